namespace Olorin.Persistence.Mongo.Repositories;

/// <summary>The query of the one-cursor export of a time series (<see cref="MongoBulkTransfer"/>), as the driver sends it.</summary>
public static class ExportQueries
{
    /// <summary>Documents after the key, in key order, with no limit, fetched <see cref="MongoBulkTransfer.ExportBatchSize"/> per batch.</summary>
    public static IFindFluent<T, T> OneCursor<T>(IMongoCollection<T> collection, FilterDefinition<T> after, SortDefinition<T> order)
        => collection.Find(after, new FindOptions { BatchSize = MongoBulkTransfer.ExportBatchSize }).Sort(order);
}
