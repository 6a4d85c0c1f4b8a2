using Olorin.Migration.Collections;

namespace Olorin.Migration.Copying;

/// <summary>
/// Which collection the copy starts next, and when each may become visible on the target. A collection's documents
/// become visible only once every collection it refers to (<see cref="MigrationCollection.References"/>, among those
/// copied in this run) is complete there, so a reader of the target during the copy never meets a reference to a
/// document still to come. A collection whose references are complete may start; one whose references are not may
/// start early only when its rows can be held invisible until they are (<see cref="CopyEngine"/>'s held loads); it
/// waits otherwise, or again after a hold that could not be kept (<see cref="Requeue"/>).
/// <para>
/// Start order: the collections carrying embeddings (on a PostgreSQL target their copy is followed by a vector graph
/// build, the longest single step of the copy) as early as the collections they refer to, directly or not, allow:
/// those first, then the ones carrying embeddings, then the rest; each group in the order given. With held loads the
/// graph's collection starts as soon as a slot is free (the small collections it refers to take little), its rows
/// copied beside the large ones it refers to, so its graph build starts about when they are complete.
/// </para>
/// </summary>
internal sealed class CopySchedule
{
    private readonly int[][] references;
    private readonly bool[] started;
    private readonly bool[] complete;
    private readonly bool[] mayHold;

    /// <param name="collections">The collections copied, in the order results are reported; their references form no cycle (a test keeps <see cref="MigrationCollections.All"/>'s so).</param>
    /// <param name="holding">Whether collections may start before their references are complete (held loads).</param>
    public CopySchedule(IReadOnlyList<MigrationCollection> collections, bool holding)
    {
        var index = collections.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        references = collections.Select(c => c.References.Where(index.ContainsKey).Select(r => index[r]).Distinct().ToArray()).ToArray();
        started = new bool[collections.Count];
        complete = new bool[collections.Count];
        mayHold = Enumerable.Repeat(holding, collections.Count).ToArray();

        var first = Enumerable.Range(0, collections.Count).Where(i => collections[i].CarriesEmbeddings).ToList();
        var referred = new HashSet<int>();
        var pending = new Stack<int>(first);
        while (pending.TryPop(out var i))
            foreach (var r in references[i])
                if (referred.Add(r)) pending.Push(r);
        StartOrder = Enumerable.Range(0, collections.Count).Where(i => referred.Contains(i) && !first.Contains(i))
            .Concat(first)
            .Concat(Enumerable.Range(0, collections.Count).Where(i => !referred.Contains(i) && !first.Contains(i)))
            .ToList();
    }

    /// <summary>Indices of the collections, in the order they are started when nothing waits.</summary>
    public IReadOnlyList<int> StartOrder { get; }

    /// <summary>The collections <paramref name="index"/> refers to, among those copied.</summary>
    public IReadOnlyList<int> References(int index) => references[index];

    public bool ReferencesComplete(int index) => references[index].All(r => complete[r]);

    public bool AllComplete => complete.All(c => c);

    public bool HasUnstarted => started.Contains(false);

    /// <summary>The next <paramref name="count"/> collections not started, in start order (those to prepare ahead).</summary>
    public IEnumerable<int> Ahead(int count) => StartOrder.Where(i => !started[i]).Take(count);

    /// <summary>The first collection in start order that may start now, or -1.</summary>
    public int Next()
    {
        foreach (var i in StartOrder)
            if (!started[i] && (mayHold[i] || ReferencesComplete(i)))
                return i;
        return -1;
    }

    public void Start(int index) => started[index] = true;

    /// <summary>Its documents are all visible on the target: the collections that refer to it may follow.</summary>
    public void Complete(int index) => complete[index] = true;

    /// <summary>Its early start could not hold its rows: it starts again once its references are complete.</summary>
    public void Requeue(int index)
    {
        started[index] = false;
        mayHold[index] = false;
    }
}
