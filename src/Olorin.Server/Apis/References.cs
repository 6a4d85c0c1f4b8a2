namespace Olorin.Server.Apis;

/// <summary>
/// A reference in a request body (anomaly → investigation, SOAR execution → investigation / anomaly, action audit →
/// connection / execution) must name a document of the caller's tenant; ids are unique per tenant, so another
/// tenant's document with that id is simply not there. A missing one is a 400 naming the field.
/// </summary>
public static class References
{
    public static async Task RequireInTenantAsync(
        ValidationErrors errors, string field, string? id, string resource, Func<string, Task<bool>> existsInTenant)
    {
        if (!errors.IsEmpty || id is null) return; // only well-formed requests cost a lookup
        if (!await existsInTenant(id)) errors.Add(field, $"{resource} '{id}' does not exist in this tenant.");
    }
}
