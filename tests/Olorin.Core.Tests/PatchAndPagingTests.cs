using System.Text.Json.Nodes;
using Olorin.Core.Errors;
using Olorin.Core.Models;
using Olorin.Core.Paging;
using Olorin.Core.Ports;
using Olorin.Core.Tenancy;

namespace Olorin.Core.Tests;

public sealed class PatchAndPagingTests
{
    [Fact]
    public void Investigation_patch_changes_only_given_fields_and_bumps_the_version()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var investigation = new Investigation { Version = 3, Status = InvestigationStatus.Created, Settings = new JsonObject { ["name"] = "keep" } };

        new InvestigationPatch(Status: InvestigationStatus.Completed).ApplyTo(investigation, now);

        Assert.Equal(InvestigationStatus.Completed, investigation.Status);
        Assert.Equal("keep", (string?)investigation.Settings!["name"]);
        Assert.Equal(4, investigation.Version);
        Assert.Equal(now, investigation.UpdatedAt);
    }

    [Fact]
    public void Template_patch_keeps_usage_and_sets_updated_at()
    {
        var now = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var template = new InvestigationTemplate { Name = "a", UsageCount = 5, Description = "d" };
        new TemplatePatch(Name: "b").ApplyTo(template, now);
        Assert.Equal(("b", "d", 5L, now), (template.Name, template.Description, template.UsageCount, template.UpdatedAt));
    }

    [Theory]
    [InlineData(1, 10, 25, true, false)]
    [InlineData(3, 10, 25, false, true)]
    [InlineData(2, 10, 20, false, true)]
    [InlineData(1, 20, 0, false, false)]
    public void Paged_result_navigation(int page, int size, long total, bool hasNext, bool hasPrevious)
    {
        var result = new PagedResult<int>([], total, page, size);
        Assert.Equal((hasNext, hasPrevious), (result.HasNextPage, result.HasPreviousPage));
        Assert.Equal((page - 1) * size, new PageRequest(page, size).Skip);
    }

    [Fact]
    public void Outcome_value_is_only_available_when_ok()
    {
        Assert.Equal(5, Outcome.Ok(5).Value);
        Assert.True(Outcome.Ok(5).IsOk);
        Assert.Throws<InvalidOperationException>(() => Outcome.VersionConflict<int>(2).Value);
        Assert.Equal(2, Assert.IsType<Outcome<int>.VersionConflict>(Outcome.VersionConflict<int>(2)).CurrentVersion);
    }

    [Theory]
    [InlineData("owner", "owner", true)]
    [InlineData(RequestIdentity.SystemUserId, "owner", true)]
    [InlineData("someone-else", "owner", false)]
    public void Only_the_owner_or_the_system_user_may_modify(string caller, string owner, bool allowed)
        => Assert.Equal(allowed, new RequestIdentity("t", caller).MayModify(owner));

    [Fact]
    public void Transaction_score_keys_order_ordinally_by_tenant_then_investigation_then_transaction()
    {
        var keys = new[] { new TransactionScoreKey("t", "b", "1"), new TransactionScoreKey("t", "a", "2"), new TransactionScoreKey("T", "z", "9"), new TransactionScoreKey("t", "a", "10"), new TransactionScoreKey("t", "B", "0") };
        Assert.Equal(
            [new("T", "z", "9"), new("t", "B", "0"), new("t", "a", "10"), new("t", "a", "2"), new("t", "b", "1")],
            keys.Order().ToArray());
    }

    [Fact]
    public void Tenant_keys_order_ordinally_by_tenant_then_id()
    {
        var keys = new[] { new TenantKey("t", "b"), new TenantKey("t", "B"), new TenantKey("T", "z"), new TenantKey("s", "zz") };
        Assert.Equal([new("T", "z"), new("s", "zz"), new("t", "B"), new("t", "b")], keys.Order().ToArray());
    }

    [Fact]
    public void Paging_is_bounded_so_the_offset_cannot_overflow()
    {
        Assert.Equal((PageRequest.MaxPage - 1) * PageRequest.MaxPageSize, new PageRequest(PageRequest.MaxPage, PageRequest.MaxPageSize).Skip);
        Assert.Throws<OverflowException>(() => new PageRequest(int.MaxValue, PageRequest.MaxPageSize).Skip);
    }

    [Fact]
    public void Every_port_is_listed_for_registration()
    {
        var ports = typeof(IInvestigationRepository).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.Name.EndsWith("Repository", StringComparison.Ordinal));
        Assert.Equal(ports.OrderBy(t => t.Name), RepositoryRegistration.Ports.OrderBy(t => t.Name));
        Assert.Equal(10, RepositoryRegistration.Ports.Count);
    }
}
