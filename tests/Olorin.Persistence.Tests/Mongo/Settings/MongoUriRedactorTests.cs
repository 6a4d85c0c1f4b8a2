using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Tests.Mongo.Settings;

public sealed class MongoUriRedactorTests
{
    [Theory]
    [InlineData("mongodb://user:secret@127.0.0.1:27017/db", "mongodb://user:***@127.0.0.1:27017/db")]
    [InlineData("mongodb+srv://olorin-app-user:s3cr%2Ft@cluster.mongodb.net/olorin?retryWrites=true", "mongodb+srv://olorin-app-user:***@cluster.mongodb.net/olorin?retryWrites=true")]
    [InlineData("mongodb://user:secret@h1:1,h2:2/?replicaSet=rs0", "mongodb://user:***@h1:1,h2:2/?replicaSet=rs0")]
    [InlineData("mongodb://user@127.0.0.1/", "mongodb://user@127.0.0.1/")]
    [InlineData("mongodb://127.0.0.1:27017", "mongodb://127.0.0.1:27017")]
    [InlineData("", "")]
    public void The_password_of_a_uri_is_masked(string uri, string expected)
        => Assert.Equal(expected, MongoUriRedactor.Redact(uri));

    [Fact]
    public void Uris_inside_text_and_the_bare_password_are_masked()
    {
        const string uri = "mongodb://user:p%40ss%2Fword@db:27017/";
        var text = $"Connecting to {uri} failed; server said auth failed for password p@ss/word and p%40ss%2Fword.";

        var redacted = MongoUriRedactor.RedactText(text, uri);

        Assert.Equal("Connecting to mongodb://user:***@db:27017/ failed; server said auth failed for password *** and ***.", redacted);
    }
}
