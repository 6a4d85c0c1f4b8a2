namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>Registers the convention pack, serializers and class maps exactly once per process.</summary>
public static class MongoMapping
{
    private static readonly object Gate = new();
    private static bool _registered;

    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            // Filled in by the mapping work: convention pack, serializers, class maps.
            _registered = true;
        }
    }
}
