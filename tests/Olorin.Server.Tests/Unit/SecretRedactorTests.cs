using Olorin.Server.Logging;

namespace Olorin.Server.Tests.Unit;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("postgresql://olorin:s3cret@db:5432/olorin", "postgresql://olorin:***@db:5432/olorin")]
    [InlineData("postgres://olorin:s3cret@db/olorin?sslmode=require", "postgres://olorin:***@db/olorin?sslmode=require")]
    [InlineData("mongodb://app:s3cret@h1:27017,h2:27017/olorin?replicaSet=rs0", "mongodb://app:***@h1:27017,h2:27017/olorin?replicaSet=rs0")]
    [InlineData("mongodb+srv://olorin-app-user:s3cret@cluster.mongodb.net/olorin?retryWrites=true&w=majority",
        "mongodb+srv://olorin-app-user:***@cluster.mongodb.net/olorin?retryWrites=true&w=majority")]
    [InlineData("MONGODB_URI=mongodb+srv://u:p%40ss@c.net/db and more", "MONGODB_URI=mongodb+srv://u:***@c.net/db and more")]
    [InlineData("mongodb://u:p@ss@host/db", "mongodb://u:***@host/db")]
    public void Uri_passwords_are_masked(string input, string expected) => Assert.Equal(expected, SecretRedactor.Redact(input));

    [Theory]
    [InlineData("Host=db;Username=olorin;Password=s3cret;Database=olorin", "Host=db;Username=olorin;Password=***;Database=olorin")]
    [InlineData("Host=db;password = s3cret", "Host=db;password = ***")]
    [InlineData("Password=s3cret;Host=db", "Password=***;Host=db")]
    [InlineData("Host=db;Password=\"s3;cret\";Database=x", "Host=db;Password=***;Database=x")]
    [InlineData("Host=db;Pwd=s3cret", "Host=db;Pwd=***")]
    public void Key_value_passwords_are_masked(string input, string expected) => Assert.Equal(expected, SecretRedactor.Redact(input));

    [Theory]
    [InlineData("postgresql://olorin@db:5432/olorin")]
    [InlineData("postgresql://db:5432/olorin")]
    [InlineData("Host=db;Username=olorin;Database=olorin")]
    [InlineData("")]
    public void Strings_without_secrets_are_unchanged(string input) => Assert.Equal(input, SecretRedactor.Redact(input));
}
