namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>Recognises the driver exceptions that repositories turn into outcomes instead of letting them escape.</summary>
internal static class MongoErrors
{
    /// <summary>E11000: a write would put a second document under a unique index key (https://www.mongodb.com/docs/manual/core/index-unique/).</summary>
    private const int DuplicateKeyCode = 11000;

    private const int UpsertAttempts = 3;

    /// <summary>
    /// Runs an upsert (or a batch of them) again when it failed only on duplicate keys. Two upserts of the same new key
    /// can both miss and both insert; the server retries such an upsert itself when its filter is equality on exactly
    /// the unique index's fields and the update leaves them unchanged ("Upsert with Unique Index",
    /// https://www.mongodb.com/docs/manual/reference/method/db.collection.update/#upsert-with-unique-index) — every
    /// Olorin upsert is of that form — but a bounded number of times (SERVER-60897), so the rare leftover E11000 is
    /// retried here: the second attempt finds the document the other writer inserted and replaces it. Replacing by key
    /// is idempotent, so repeating writes of the batch that already succeeded changes nothing.
    /// </summary>
    public static async Task<T> RetryUpsertOnDuplicateKeyAsync<T>(Func<Task<T>> upsert)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await upsert();
            }
            catch (Exception e) when (attempt < UpsertAttempts && OnlyDuplicateKeys(e))
            {
            }
        }
    }

    private static bool OnlyDuplicateKeys(Exception exception) => exception switch
    {
        MongoBulkWriteException bulk => bulk.WriteConcernError is null && bulk.WriteErrors.Count > 0
                                        && bulk.WriteErrors.All(e => e.Category == ServerErrorCategory.DuplicateKey),
        _ => IsDuplicateKey(exception),
    };

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
