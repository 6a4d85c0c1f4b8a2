using System.Text.Json.Nodes;
using Olorin.Core.Models;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Repositories;

namespace Olorin.Persistence.Tests.Mongo.Rendering;

public sealed class DetectorFiltersRenderingTests
{
    private static readonly DateTime Now = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    [Fact]
    public void ById_matches_tenant_and_id()
        => Rendered.Equal("""{ "tenant_id": "t1", "detector_id": "d1" }""", Rendered.Filter(DetectorFilters.ById("t1", "d1")));

    [Fact]
    public void List_without_options_is_the_tenant_only()
        => Rendered.Equal("""{ "tenant_id": "t1" }""", Rendered.Filter(DetectorFilters.List("t1", new DetectorQuery())));

    [Fact]
    public void List_adds_type_as_its_wire_string_and_enabled()
        => Rendered.Equal(
            """{ "tenant_id": "t1", "type": "matrix_profile", "enabled": false }""",
            Rendered.Filter(DetectorFilters.List("t1", new DetectorQuery(DetectorType.MatrixProfile, false))));

    [Fact]
    public void ListSort_is_newest_created_first_then_id()
        => Rendered.Equal("""{ "created_at": -1, "detector_id": 1 }""", Rendered.Sort(DetectorFilters.ListSort));

    [Fact]
    public void Patch_sets_only_the_given_members_and_updated_at()
        => Rendered.Equal(
            """{ "$set": { "name": "n2", "enabled": false, "updated_at": { "$date": "2026-01-02T03:04:05.678Z" } } }""",
            Rendered.Update(DetectorFilters.Patch(new DetectorPatch(Name: "n2", Enabled: false), Now)));

    [Fact]
    public void Patch_stores_nested_objects_with_snake_case_names()
        => Rendered.Equal(
            """
            { "$set": {
                "params": { "sensitivity": 0.5, "window_size": 7, "algorithm_specific": { "k": 3 } },
                "updated_at": { "$date": "2026-01-02T03:04:05.678Z" } } }
            """,
            Rendered.Update(DetectorFilters.Patch(
                new DetectorPatch(Params: new JsonObject { ["sensitivity"] = 0.5, ["window_size"] = 7, ["algorithm_specific"] = new JsonObject { ["k"] = 3 } }), Now)));
}
