using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Olorin.Core.Ports;

namespace Olorin.Migration.Collections;

/// <summary>A <see cref="MigrationCollection"/> over the repository port <typeparamref name="TPort"/>.</summary>
internal sealed class PortCollection<TPort, TDocument, TKey>(
    string name,
    Func<TDocument, DocumentKey> identity,
    Func<TKey, string> encodeCursor,
    Func<string, TKey> decodeCursor,
    Comparison<TKey> order,
    Func<TDocument, float[]?>? embedding = null) : MigrationCollection(name)
    where TPort : IBulkTransferPort<TDocument, TKey>
    where TDocument : class
{
    public override Task<long> CountAsync(IServiceProvider services, CancellationToken cancellationToken)
        => Port(services).CountAllAsync(cancellationToken);

    public override async IAsyncEnumerable<ExportedDocument> ExportAsync(
        IServiceProvider services, string? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var port = Port(services);
        var after = cursor is null ? default : decodeCursor(cursor);
        await foreach (var document in port.ExportAsync(after, cancellationToken))
            yield return new ExportedDocument(document, identity(document), encodeCursor(port.KeyOf(document)));
    }

    public override Task<int> UpsertAsync(IServiceProvider services, IReadOnlyList<object> documents, CancellationToken cancellationToken)
        => Port(services).BulkUpsertAsync(documents.Cast<TDocument>().ToList(), cancellationToken);

    public override int CompareOrder(object left, object right)
    {
        var port = KeyOnly;
        return order(port((TDocument)left), port((TDocument)right));
    }

    public override DocumentKey KeyOf(object document) => identity((TDocument)document);

    public override IReadOnlyList<string> KeyValues(string cursor) => KeyValuesOf(cursor);

    public override string CursorOf(IReadOnlyList<string> keyValues) => CursorOfValues(keyValues);

    public override int CompareToCursor(object document, string cursor) => order(KeyOnly((TDocument)document), decodeCursor(cursor));

    /// <summary>Set by <see cref="MigrationCollections"/>: cursor → key values.</summary>
    internal Func<string, IReadOnlyList<string>> KeyValuesOf { get; init; } = _ => throw new InvalidOperationException("no key values");

    /// <summary>Set by <see cref="MigrationCollections"/>: key values → cursor.</summary>
    internal Func<IReadOnlyList<string>, string> CursorOfValues { get; init; } = _ => throw new InvalidOperationException("no cursor");

    public override float[]? EmbeddingOf(object document) => embedding?.Invoke((TDocument)document);

    public override bool CarriesEmbeddings => embedding is not null;

    /// <summary>Set by <see cref="MigrationCollections"/>: the key function (every adapter's KeyOf agrees).</summary>
    internal Func<TDocument, TKey> KeyOnly { get; init; } = _ => throw new InvalidOperationException("no key function");

    private static TPort Port(IServiceProvider services) => services.GetRequiredService<TPort>();
}
