using MongoDB.Bson;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

/// <summary>The prefix filter of the migration tools' checkpoints on MongoDB, rendered without a server.</summary>
public sealed class MigrationStateFiltersRenderingTests
{
    [Fact]
    public void A_prefix_is_an_anchored_regular_expression_on_the_id_with_its_metacharacters_escaped()
    {
        Rendered.Equal("""{ "_id": { "$regularExpression": { "pattern": "^verify/", "options": "" } } }""", Rendered.Filter(MigrationStateFilters.ByNamePrefix("verify/")));
        var rendered = Rendered.Filter(MigrationStateFilters.ByNamePrefix("a.b*"))["_id"].AsBsonRegularExpression;
        Assert.Equal(@"^a\.b\*", rendered.Pattern);
        Assert.Matches(rendered.Pattern, "a.b*/x");
        Assert.DoesNotMatch(rendered.Pattern, "aXbb/x");
    }
}
