using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using Olorin.Core.Phases;
using Olorin.Core.Ports;
using Olorin.Persistence.Mongo.Bootstrap;
using Olorin.Persistence.Mongo.Settings;

namespace Olorin.Persistence.Mongo.Outbox;

/// <summary>
/// <see cref="IChangeTransferPort"/> for MongoDB, generically over the ten collections (<see cref="MongoChangeCollections"/>):
/// the Core models are written through the adapter's class maps as BSON documents, keyed by the tenant-scoped unique
/// key. The write models are built by <see cref="WritesFor"/> (pure, rendered in tests) and sent as one unordered bulk
/// write: the server attempts every operation and reports each failure
/// (https://www.mongodb.com/docs/manual/reference/method/db.collection.bulkWrite/#ordered-vs-unordered-operations), so
/// a guarded-out operation does not stop the others.
/// </summary>
public sealed class MongoChangeTransfer(MongoContext context, MongoCapabilities capabilities, MongoSettings settings) : IChangeTransferPort
{
    public async Task<IReadOnlyDictionary<ChangeKey, object>> ReadCurrentAsync(
        string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
    {
        var binding = MongoChangeCollections.Of(collection);
        if (keys.Count == 0) return new Dictionary<ChangeKey, object>();
        var found = await Collection(collection).Find(CurrentFilter(binding, keys)).ToListAsync(cancellationToken);
        var result = new Dictionary<ChangeKey, object>();
        // A time series can hold a key twice (no unique index); the relay's delete-then-insert converges them, so any one is current.
        foreach (var document in found) result[binding.KeyOf(document)] = BsonSerializer.Deserialize(document, binding.ModelType);
        return result;
    }

    public async Task<int> WriteAsync(string collection, IReadOnlyCollection<object> documents, ChangeWriteMode mode, CancellationToken cancellationToken = default)
    {
        try
        {
            return await WriteOrRefuseAsync(collection, documents, mode, cancellationToken);
        }
        catch (Exception e) when (RefusalOf(e) is { } reason)
        {
            throw new ChangeRefusedException($"{collection}: MongoDB refused the write ({reason})", e);
        }
    }

    private async Task<int> WriteOrRefuseAsync(string collection, IReadOnlyCollection<object> documents, ChangeWriteMode mode, CancellationToken cancellationToken)
    {
        var binding = MongoChangeCollections.Of(collection);
        var unique = ToBson(binding, documents);
        if (unique.Count == 0) return 0;
        var target = Collection(collection);
        var timeSeries = capabilities.IsTimeSeries(collection, settings);
        var kind = KindOf(binding, mode, timeSeries);

        if (kind == WriteKind.InsertMissing)
        {
            // Read which keys are stored, insert the others: a time series (or the audit log) has no unique key that
            // could refuse a second copy. A copy raced in twice is converged by the relay's delete-then-insert of the
            // keys the backfill records in the primary's outbox.
            var stored = (await target.Find(KeysFilter(binding, unique.Keys)).Project(Builders<BsonDocument>.Projection.Include(binding.TenantField).Include(binding.IdFields[0]).Include(binding.IdFields[^1])).ToListAsync(cancellationToken))
                .Select(binding.KeyOf).ToHashSet();
            var missing = unique.Where(p => !stored.Contains(p.Key)).Select(p => p.Value).ToList();
            if (missing.Count > 0) await target.InsertManyAsync(missing, new InsertManyOptions { IsOrdered = false }, cancellationToken);
            return missing.Count;
        }
        if (kind == WriteKind.DeleteThenInsert)
        {
            await target.DeleteManyAsync(KeysFilter(binding, unique.Keys), cancellationToken);
            await target.InsertManyAsync(unique.Values, new InsertManyOptions { IsOrdered = false }, cancellationToken);
            return unique.Count;
        }

        var batch = unique.Values.ToList();
        var models = WritesFor(binding, kind, batch);
        try
        {
            if (kind == WriteKind.Replace)
                // The server's own retry of a racing upsert is bounded (SERVER-60897); the leftover E11000 is retried here.
                await Repositories.MongoErrors.RetryUpsertOnDuplicateKeyAsync(() => target.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken));
            else
                await target.BulkWriteAsync(models, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
            return models.Count;
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (kind != WriteKind.Replace && OnlyKeptNewer(e))
        {
            return models.Count - e.WriteErrors.Count;
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (kind == WriteKind.Replace && OnlyKeptNewer(e))
        {
            await SwapAsync(target, binding, Refused(batch, e.WriteErrors.Select(w => w.Index)), cancellationToken);
            return models.Count;
        }
    }

    /// <summary>
    /// The replaces refused with E11000 after the others went through: a unique value other than the key may move
    /// between documents of the batch (templates A→B, B→C, C→A), and each replace is checked against the documents not
    /// yet replaced. Those keys' stored copies are read, deleted, and the new documents inserted, where no stored copy
    /// of them can collide any more. A new document that still collides (with a document outside the batch) gets its
    /// stored copy back, so the secondary never loses a key it held, and the refusal is rethrown (the relay then
    /// isolates the key). Not one transaction: a time series takes none
    /// (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#transactions) and a standalone
    /// server has none (https://www.mongodb.com/docs/manual/core/transactions-production-consideration/); a process
    /// dying in between leaves the outbox entries in place (removed only after this returns), so the next relay
    /// writes them again.
    /// </summary>
    private static async Task SwapAsync(IMongoCollection<BsonDocument> target, MongoChangeCollection binding, List<BsonDocument> swapping, CancellationToken cancellationToken)
    {
        var keys = KeysFilter(binding, swapping.Select(binding.KeyOf));
        var stored = await target.Find(keys).ToListAsync(cancellationToken);
        await target.DeleteManyAsync(keys, cancellationToken);
        try
        {
            await target.InsertManyAsync(swapping, new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> e) when (OnlyKeptNewer(e))
        {
            var restores = Restores(binding, Refused(swapping, e.WriteErrors.Select(w => w.Index)), stored);
            try
            {
                if (restores.Count > 0) await target.InsertManyAsync(restores, new InsertManyOptions { IsOrdered = false }, cancellationToken);
            }
            catch (MongoBulkWriteException<BsonDocument> again) when (OnlyKeptNewer(again))
            {
                // A stored copy whose unique value another key of the batch took meanwhile: that key stays absent
                // until its own retry, which the refusal below brings about.
            }
            throw;
        }
    }

    /// <summary>The documents at the indexes a bulk write reported failed (indexes into its requests, in order).</summary>
    public static List<BsonDocument> Refused(IReadOnlyList<BsonDocument> documents, IEnumerable<int> indexes)
        => indexes.Distinct().Order().Select(i => documents[i]).ToList();

    /// <summary>The stored copies to put back: those of the keys whose new document the insert refused.</summary>
    public static List<BsonDocument> Restores(MongoChangeCollection binding, IEnumerable<BsonDocument> refused, IEnumerable<BsonDocument> stored)
    {
        var byKey = new Dictionary<ChangeKey, BsonDocument>();
        foreach (var document in stored) byKey.TryAdd(binding.KeyOf(document), document);
        return refused.Select(binding.KeyOf).Distinct().Where(byKey.ContainsKey).Select(k => byKey[k]).ToList();
    }

    /// <summary>
    /// Why MongoDB refused a write for good, or null when it failed to answer (a refusal: the same write would fail
    /// again). Server errors that are not transient: a duplicate key (E11000) or a failed validation (121,
    /// https://www.mongodb.com/docs/manual/core/schema-validation/), a document too large (10334 BSONObjectTooLarge,
    /// https://www.mongodb.com/docs/manual/reference/limits/#mongodb-limit-BSON-Document-Size), or a document the driver
    /// cannot even serialise. The message is the server's (MongoDB quotes a duplicate key's values in it), kept only in
    /// the primary's dead-letter store.
    /// </summary>
    public static string? RefusalOf(Exception e) => e switch
    {
        MongoBulkWriteException bulk when bulk.WriteConcernError is null && bulk.WriteErrors.Count > 0
            && bulk.WriteErrors.All(w => w.Category is ServerErrorCategory.DuplicateKey || RefusedCodes.Contains(w.Code))
            => string.Join("; ", bulk.WriteErrors.Select(w => $"{w.Code}: {w.Message}").Distinct().Take(3)),
        MongoWriteException write when write.WriteError is { } error && (error.Category is ServerErrorCategory.DuplicateKey || RefusedCodes.Contains(error.Code))
            => $"{error.Code}: {error.Message}",
        MongoCommandException command when RefusedCodes.Contains(command.Code) => $"{command.Code}: {command.ErrorMessage}",
        MongoDB.Bson.BsonSerializationException or FormatException => $"{e.GetType().Name}: {e.Message}",
        _ => null,
    };

    /// <summary>Server codes that refuse a document itself: 2 BadValue, 121 DocumentValidationFailure, 10334 BSONObjectTooLarge, 17280 KeyTooLong.</summary>
    private static readonly HashSet<int> RefusedCodes = [2, 121, 10334, 17280];

    public async Task<int> DeleteAsync(string collection, IReadOnlyCollection<ChangeKey> keys, CancellationToken cancellationToken = default)
    {
        if (keys.Count == 0) return 0;
        var binding = MongoChangeCollections.Of(collection);
        // deleteMany by the key: a time series accepts deletes with any filter from MongoDB 7.0, but only unlimited ones
        // (https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#deletes), so never deleteOne.
        var result = await Collection(collection).DeleteManyAsync(KeysFilter(binding, keys), cancellationToken);
        return (int)result.DeletedCount;
    }

    /// <summary>How documents of a collection are written in a mode.</summary>
    public enum WriteKind
    {
        /// <summary>Upserting replace by key equality (the relay on a regular collection).</summary>
        Replace,

        /// <summary>Upserting replace guarded by the ordering field: <c>{key…, field: {$lte: incoming}}</c>.</summary>
        ReplaceOlder,

        /// <summary>Insert; a stored key refuses it with E11000 (a unique key index, nothing orders the writes).</summary>
        InsertNew,

        /// <summary>Read the stored keys, insert the others (no unique key index: time series, audit log).</summary>
        InsertMissing,

        /// <summary>deleteMany by key, then insert (the relay on a time series, which takes no upsert).</summary>
        DeleteThenInsert,
    }

    /// <summary>
    /// The relay replaces (the primary serialises relays per key, so the later relay carries the newer state; a guard
    /// would keep a document deleted and re-created at version 1 from ever arriving). A time series takes no upsert
    /// and no replacement of measurements ("update commands must not … use upsert", only the metaField is modified:
    /// https://www.mongodb.com/docs/manual/core/timeseries/timeseries-limitations/#updates), so there the relay deletes
    /// the key's documents (any filter, deleteMany, 7.0+: …#deletes) and inserts the current one. A backfill
    /// (<see cref="ChangeWriteMode.KeepNewer"/>) replaces only an older document by the ordering field, and where nothing
    /// orders writes inserts only missing keys.
    /// </summary>
    public static WriteKind KindOf(MongoChangeCollection binding, ChangeWriteMode mode, bool timeSeries) => (mode, timeSeries) switch
    {
        (ChangeWriteMode.Relay, true) => WriteKind.DeleteThenInsert,
        (ChangeWriteMode.Relay, false) => WriteKind.Replace,
        _ when !binding.KeyIsUnique(timeSeries) => WriteKind.InsertMissing,
        _ when binding.OrderingField is not null => WriteKind.ReplaceOlder,
        _ => WriteKind.InsertNew,
    };

    /// <summary>
    /// The bulk write models of <see cref="WriteKind.Replace"/>, <see cref="WriteKind.ReplaceOlder"/> and
    /// <see cref="WriteKind.InsertNew"/>. Replace filters on exactly the unique key's fields by equality, the form the
    /// server retries itself when two upserts race to insert
    /// (https://www.mongodb.com/docs/manual/reference/method/db.collection.updateOne/#upsert-with-duplicate-values).
    /// ReplaceOlder adds <c>{field: {$lte: incoming}}</c>: against a newer stored document the filter matches nothing,
    /// the upsert tries to insert and the unique key index refuses it with E11000
    /// (https://www.mongodb.com/docs/manual/core/index-unique/) — not retried by the server, as the filter is not
    /// equality alone — which <see cref="WriteAsync"/> counts as "kept the newer one". InsertNew is refused the same
    /// way by any stored document.
    /// </summary>
    public static List<WriteModel<BsonDocument>> WritesFor(MongoChangeCollection binding, WriteKind kind, IEnumerable<BsonDocument> documents)
        => documents.Select(document => kind switch
        {
            WriteKind.Replace => (WriteModel<BsonDocument>)new ReplaceOneModel<BsonDocument>(KeyFilter(binding, binding.KeyOf(document)), document) { IsUpsert = true },
            WriteKind.ReplaceOlder => new ReplaceOneModel<BsonDocument>(
                KeyFilter(binding, binding.KeyOf(document)) & Builders<BsonDocument>.Filter.Lte(binding.OrderingField!, document[binding.OrderingField!]), document) { IsUpsert = true },
            WriteKind.InsertNew => new InsertOneModel<BsonDocument>(document),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a bulk write kind"),
        }).ToList();

    /// <summary>
    /// What <see cref="ReadCurrentAsync"/> reads: the keys (<see cref="KeysFilter"/>), and of investigations only live
    /// ones: a tombstone (<see cref="Repositories.PendingAudit"/>) is an investigation the API already answered as
    /// deleted, so the write-back deletes it rather than copying it.
    /// </summary>
    public static FilterDefinition<BsonDocument> CurrentFilter(MongoChangeCollection binding, IEnumerable<ChangeKey> keys)
        => binding.Name == MongoCollectionNames.Investigations
            ? KeysFilter(binding, keys) & Repositories.PendingAudit.LiveDocuments
            : KeysFilter(binding, keys);

    /// <summary>Equality on the key's fields: the tenant, then each id field.</summary>
    public static FilterDefinition<BsonDocument> KeyFilter(MongoChangeCollection binding, ChangeKey key)
    {
        var filter = Builders<BsonDocument>.Filter.Eq(binding.TenantField, key.TenantId);
        foreach (var (field, value) in binding.IdFields.Zip(binding.IdValues(key)))
            filter &= Builders<BsonDocument>.Filter.Eq(field, value);
        return filter;
    }

    /// <summary>
    /// One query for many keys, each clause an equality prefix of the unique key index plus <c>$in</c> on its last
    /// field: per tenant (and investigation, for scores); one clause needs no <c>$or</c>. Each <c>$or</c> clause is
    /// planned on its own index (https://www.mongodb.com/docs/manual/reference/operator/query/or/#-or-clauses-and-indexes).
    /// </summary>
    public static FilterDefinition<BsonDocument> KeysFilter(MongoChangeCollection binding, IEnumerable<ChangeKey> keys)
    {
        var f = Builders<BsonDocument>.Filter;
        var clauses = keys
            .Select(k => (Key: k, Values: binding.IdValues(k)))
            .GroupBy(k => (k.Key.TenantId, Prefix: string.Join('/', k.Values[..^1])))
            .OrderBy(g => g.Key.TenantId, StringComparer.Ordinal).ThenBy(g => g.Key.Prefix, StringComparer.Ordinal)
            .Select(g =>
            {
                var clause = f.Eq(binding.TenantField, g.Key.TenantId);
                var first = g.First().Values;
                for (var i = 0; i < binding.IdFields.Count - 1; i++) clause &= f.Eq(binding.IdFields[i], first[i]);
                var last = g.Select(k => k.Values[^1]).Distinct().Order(StringComparer.Ordinal).ToList();
                return last.Count == 1 ? clause & f.Eq(binding.IdFields[^1], last[0]) : clause & f.In(binding.IdFields[^1], last);
            })
            .ToList();
        return clauses.Count == 1 ? clauses[0] : f.Or(clauses);
    }

    /// <summary>The documents as BSON through the adapter's class maps, the last one per key.</summary>
    public static Dictionary<ChangeKey, BsonDocument> ToBson(MongoChangeCollection binding, IEnumerable<object> documents)
    {
        Mapping.MongoMapping.Register();
        var unique = new Dictionary<ChangeKey, BsonDocument>();
        foreach (var document in documents)
        {
            var bson = document.ToBsonDocument(binding.ModelType);
            unique[binding.KeyOf(bson)] = bson;
        }
        return unique;
    }

    /// <summary>Every failure is E11000: each a guarded-out replace or an insert of a stored key.</summary>
    public static bool OnlyKeptNewer(MongoBulkWriteException<BsonDocument> e)
        => e.WriteConcernError is null && e.WriteErrors.Count > 0 && e.WriteErrors.All(w => w.Category == ServerErrorCategory.DuplicateKey);

    private IMongoCollection<BsonDocument> Collection(string name) => context.Database.GetCollection<BsonDocument>(name);
}
