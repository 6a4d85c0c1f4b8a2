using MongoDB.Driver;
using Olorin.Core.Errors;

namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>Recognises the driver exceptions that repositories turn into outcomes instead of letting them escape.</summary>
internal static class MongoErrors
{
    private const int DuplicateKeyCode = 11000;

    /// <summary>A unique index rejected the write (single write, bulk write, or findAndModify).</summary>
    public static bool IsDuplicateKey(Exception exception) => exception switch
    {
        MongoWriteException write => write.WriteError?.Category == ServerErrorCategory.DuplicateKey,
        MongoBulkWriteException bulk => bulk.WriteErrors.Any(e => e.Category == ServerErrorCategory.DuplicateKey),
        MongoCommandException command => command.Code == DuplicateKeyCode,
        _ => false,
    };

    /// <summary>Inserts the document; a unique-index violation is <c>Duplicate(<paramref name="duplicateKey"/>)</c>.</summary>
    public static async Task<Outcome<T>> InsertAsync<T>(IMongoCollection<T> collection, T document, string duplicateKey, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneAsync(document, cancellationToken: cancellationToken);
            return Outcome.Ok(document);
        }
        catch (Exception e) when (IsDuplicateKey(e))
        {
            return Outcome.Duplicate<T>(duplicateKey);
        }
    }
}
