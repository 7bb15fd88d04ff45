using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using Boai.Orleans.Model;
using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boai.Orleans.Bench.Micro;

/// <summary>
/// The grain storage provider's CPU work around one storage call, for a typical volunteer's state: serializing
/// (Orleans' System.Text.Json storage serializer, the provider's default) and shaping the table entity on a write,
/// the reverse on a read.
/// </summary>
[MemoryDiagnoser]
public class StorageSerializationBenchmarks
{
    private const string PartitionKey = "boai__volunteer/bench-v000001";
    private SystemTextJsonGrainStorageSerializer serializer = null!;
    private VolunteerState state = null!;
    private TableEntity stored = null!;

    [GlobalSetup]
    public void Setup()
    {
        serializer = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        state = TypicalVolunteer();
        stored = GrainStateEntity.Create(PartitionKey, "volunteer", serializer.Serialize(state).ToMemory());
    }

    /// <summary>What <c>WriteStateAsync</c> does before the network: state → bytes → entity.</summary>
    [Benchmark]
    public TableEntity Write_volunteer_state() =>
        GrainStateEntity.Create(PartitionKey, "volunteer", serializer.Serialize(state).ToMemory());

    /// <summary>What <c>ReadStateAsync</c> does after the network: entity → bytes → state.</summary>
    [Benchmark]
    public VolunteerState Read_volunteer_state() =>
        serializer.Deserialize<VolunteerState>(new BinaryData(GrainStateEntity.ReadState(stored))) ?? throw new InvalidOperationException("no state");

    /// <summary>A volunteer a year in: three pairings, a visit under way, 40 visits counted, some pending, ratings and trainings.</summary>
    public static VolunteerState TypicalVolunteer()
    {
        var start = new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.FromHours(8));
        var state = new VolunteerState
        {
            Profile = new VolunteerProfile(
                "陈小明",
                "13800001234",
                "shiqi",
                ["visiting", "housework", "tutoring"],
                [new WeeklySlot(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(12, 0)), new WeeklySlot(DayOfWeek.Saturday, new TimeOnly(14, 0), new TimeOnly(18, 0))],
                VolunteerStatus.Active,
                new Willingness(["elderly", "children"], 5),
                new GeoPoint(22.52, 113.39),
                "ZS-2025-000123"),
            RegisteredAt = start,
            VisitInProgress = new OpenVisit("visit-0041", "h-shiqi-003", start.AddDays(300)),
            CertifiedHours = 52.5,
            VisitCount = 40,
            LastServedAt = start.AddDays(299),
        };
        for (var i = 1; i <= 3; i++)
        {
            var household = $"h-shiqi-00{i}";
            state.Pairings[Ids.PairingId(household, 1)] = new PairingRef(Ids.PairingId(household, 1), household, Ids.NeedId(household, 1), start.AddDays(i));
            state.HouseholdsServed.Add(household);
        }

        for (var i = 1; i <= 40; i++)
        {
            state.CountedVisits.Add($"visit-{i:D4}");
        }

        for (var i = 36; i <= 40; i++)
        {
            state.PendingVisits[$"visit-{i:D4}"] = 1.5;
        }

        state.Ratings.AddRange(Enumerable.Range(1, 5).Select(i => new Rating(5, "coordinator-shiqi", start.AddDays(i * 30), $"visit-{i:D4}")));
        state.Trainings.Add(new Training("入户探访安全培训", new DateOnly(2025, 1, 10), "CERT-001"));
        return state;
    }
}
