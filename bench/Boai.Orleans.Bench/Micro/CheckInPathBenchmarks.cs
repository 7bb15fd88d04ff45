using BenchmarkDotNet.Attributes;
using Boai.Orleans.Model;
using Boai.Orleans.Storage;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Bench.Micro;

/// <summary>
/// The pure pieces of a check-in and check-out, as the API and <c>VisitGrain</c> run them: id validation, the
/// time and place rules that flag a visit, the hours, and the table keys of its state and ledger row.
/// </summary>
[MemoryDiagnoser]
public class CheckInPathBenchmarks
{
    private readonly ServiceRulesOptions rules = new();
    private readonly GeoPoint household = new(22.522, 113.385);
    private readonly ReportedLocation nearby = new(22.5225, 113.3853, 15);
    private readonly DateTimeOffset checkedIn = new(2025, 6, 1, 9, 0, 0, TimeSpan.FromHours(8));

    /// <summary>visitId, householdId and the need's owner, as the check-in route validates them.</summary>
    [Benchmark]
    public bool Validate_ids() =>
        Ids.IsValid("3f1c9a2e-5b7d-4e8f-9a1b-2c3d4e5f6a7b") && Ids.IsValid("h-shiqi-001") && Ids.OwnerHousehold("h-shiqi-001~n3", 'n') is not null;

    /// <summary>Every rule a check-in and a check-out pass: clock skew and upload delay, lateness, the radius, and the hours.</summary>
    [Benchmark]
    public double Flags_and_hours()
    {
        var checkedOut = checkedIn.AddMinutes(97);
        var receivedAt = checkedOut.AddSeconds(3);
        var flags = 0;
        flags += HoursRules.TimeProblem(checkedIn, receivedAt, rules) is null ? 0 : 1;
        flags += HoursRules.TimeProblem(checkedOut, receivedAt, rules) is null ? 0 : 1;
        flags += HoursRules.IsLate(checkedOut, receivedAt, rules) ? 1 : 0;
        flags += HoursRules.LocationFlag(nearby, household, rules) is null ? 0 : 1;
        flags += HoursRules.LocationFlag(nearby, household, rules) is null ? 0 : 1;
        return HoursRules.Hours(HoursRules.DurationMinutes(checkedIn, checkedOut), rules) + flags;
    }

    /// <summary>The storage keys a visit touches: its grain state's partition key and its ledger row's partition and row.</summary>
    [Benchmark]
    public int Table_keys() =>
        AzureTableKeys.Compose("boai", "visit/3f1c9a2e-5b7d-4e8f-9a1b-2c3d4e5f6a7b").Length
        + AzureTableKeys.Compose("shiqi", "202506").Length
        + AzureTableKeys.Escape("3f1c9a2e-5b7d-4e8f-9a1b-2c3d4e5f6a7b").Length;
}
