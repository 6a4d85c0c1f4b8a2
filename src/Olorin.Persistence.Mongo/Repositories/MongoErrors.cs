using MongoDB.Driver;

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
}
