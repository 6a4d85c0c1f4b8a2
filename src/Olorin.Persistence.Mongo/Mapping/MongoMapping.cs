using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;

namespace Olorin.Persistence.Mongo.Mapping;

/// <summary>
/// Registers the convention pack, serializers and class maps exactly once per process. Stored field names are the
/// snake_case names of DATA-MODEL.md. The models carry no <c>_id</c>: the server assigns an ObjectId on insert and
/// reading ignores it (extra elements are ignored, except in the fixed-shape objects that keep unknown members:
/// <see cref="UnknownMembersSerializer{T}"/>).
/// </summary>
public static class MongoMapping
{
    public const string ConventionPackName = "olorin";

    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>Every class Olorin stores, top-level documents first, then their nested types.</summary>
    public static IReadOnlyList<Type> MappedTypes { get; } =
    [
        typeof(Investigation), typeof(Detector), typeof(DetectionRun), typeof(AnomalyEvent), typeof(TransactionScore),
        typeof(AuditLogEntry), typeof(InvestigationTemplate), typeof(ComposioConnection), typeof(ComposioActionAudit),
        typeof(SoarPlaybookExecution),
        typeof(DetectionRunMetadata), typeof(DetectionWindow), typeof(DetectionRunInfo),
        typeof(AnomalyWindow), typeof(ScoreComponents),
        typeof(AuditLogMetadata), typeof(AuditChanges),
        typeof(TemplateBody), typeof(SoarActionResult),
    ];

    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;

            var pack = new ConventionPack
            {
                new SnakeCaseElementNameConvention(),
                new OlorinSerializerConvention(),
                new IgnoreExtraElementsConvention(true),
            };
            ConventionRegistry.Register(ConventionPackName, pack, type => type.Assembly == typeof(Investigation).Assembly);
            BsonSerializer.RegisterSerializationProvider(new WireEnumSerializationProvider());

            foreach (var type in MappedTypes)
            {
                var classMap = new BsonClassMap(type);
                classMap.AutoMap();
                if (type.IsAssignableTo(typeof(IKeepsUnknownMembers))) KeepUnknownMembers(type, classMap);
                // What a read found about the embedding it left out: not a stored field.
                if (type == typeof(AnomalyEvent)) classMap.UnmapMember(type.GetProperty(nameof(AnomalyEvent.EmbeddingStored))!);
                BsonClassMap.RegisterClassMap(classMap);
            }
            _registered = true;
        }
    }

    /// <summary>The fixed-shape objects keep the members the model does not know (<see cref="UnknownMembersSerializer{T}"/>).</summary>
    private static void KeepUnknownMembers(Type type, BsonClassMap classMap)
    {
        classMap.UnmapMember(type.GetProperty(nameof(IKeepsUnknownMembers.UnknownMembers))!);
        classMap.Freeze();
        var serializer = (IBsonSerializer)Activator.CreateInstance(typeof(UnknownMembersSerializer<>).MakeGenericType(type), classMap)!;
        BsonSerializer.RegisterSerializer(type, serializer);
    }
}
