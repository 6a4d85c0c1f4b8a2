using System.Text.Json;

namespace Olorin.Core.Models;

/// <summary>
/// The members a client sent in a fixed-shape object (a run's <c>window</c> and <c>info</c>, an anomaly's
/// <c>window</c>, a template's <c>template</c>, a SOAR action, a score's <c>score_components</c>) that the server does
/// not interpret: kept as sent and returned unchanged (Decision 12). Keys in ordinal order, so every backend and the
/// migration tools' canonical form see them in one order.
/// </summary>
public sealed class UnknownMembers() : SortedDictionary<string, JsonElement>(StringComparer.Ordinal)
{
    public UnknownMembers(IEnumerable<KeyValuePair<string, JsonElement>> members) : this()
    {
        foreach (var (name, value) in members) this[name] = value.Clone();
    }
}

/// <summary>
/// A fixed-shape object whose known members are typed and whose other members ride in <see cref="UnknownMembers"/>,
/// written back inline by <c>[JsonExtensionData]</c> (the same member names on the wire, in jsonb and in BSON).
/// </summary>
public interface IKeepsUnknownMembers
{
    UnknownMembers UnknownMembers { get; set; }
}
