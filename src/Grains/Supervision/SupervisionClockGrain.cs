using System.Globalization;
using Boai.Orleans.Districts;
using Boai.Orleans.MonthEnd;
using Boai.Orleans.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Supervision;

[GenerateSerializer]
public sealed class SupervisionClockState
{
    /// <summary>The last month (yyyy-MM, local) whose end was evaluated.</summary>
    [Id(0)] public string? EvaluatedMonth { get; set; }

    /// <summary>Districts with an open order, watched for recovery.</summary>
    [Id(1)] public HashSet<string> Watching { get; set; } = [];
}

public sealed partial class SupervisionClockGrain(
    [PersistentState("supervisionClock")] IPersistentState<SupervisionClockState> state,
    DistrictDirectory districts,
    IOptions<SupervisionOptions> options,
    IOptions<ServiceRulesOptions> rules,
    TimeProvider time,
    ILogger<SupervisionClockGrain> logger)
    : Grain, ISupervisionClockGrain, IRemindable
{
    private const string ReminderName = "supervision-clock";
    private readonly SupervisionOptions _options = options.Value;
    private readonly TimeZoneInfo _zone = TimeZones.Find(rules.Value.TimeZone);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ => Check(), new GrainTimerCreationOptions(_options.CheckPeriod, _options.CheckPeriod) { KeepAlive = true });
        await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod, cancellationToken);
    }

    public Task Wake() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Check();

    /// <summary>The grain is not reentrant and its timer does not interleave: one check at a time.</summary>
    public async Task Check()
    {
        await CheckMonthEndAsync();
        await CheckRecoveryAsync();
    }

    /// <summary>
    /// The month before the current local one is the one that ended. Evaluated once; on the very first run the clock
    /// only notes it, so a new deployment does not open orders for a month it never watched.
    /// </summary>
    private async Task CheckMonthEndAsync()
    {
        var today = TimeZones.LocalDate(time.GetUtcNow(), _zone);
        var ended = new DateOnly(today.Year, today.Month, 1).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (state.State.EvaluatedMonth is { } last && string.CompareOrdinal(last, ended) >= 0)
        {
            return;
        }

        if (state.State.EvaluatedMonth is not null)
        {
            foreach (var district in districts.All)
            {
                var grain = GrainFactory.GetGrain<IDistrictGrain>(district.DistrictId);
                var summary = await grain.GetSummary();
                // Coverage and satisfaction keep no history: the month's report reads them as they stood at its end.
                await GrainFactory.GetGrain<IMonthEndGrain>(district.DistrictId).Record(MonthEndFigures.Of(ended, summary, await grain.GetVolunteers(), time.GetUtcNow()));

                // A district without volunteers has no activity to supervise yet.
                if (summary.RegisteredVolunteers == 0)
                {
                    continue;
                }

                var opened = await GrainFactory.GetGrain<ISupervisionGrain>(district.DistrictId).MonthEnded(ended, summary.ActiveVolunteerRate, _options.ActivityThreshold);
                if (opened is not null)
                {
                    LogOpened(logger, district.DistrictId, ended, summary.ActiveVolunteerRate);
                    state.State.Watching.Add(district.DistrictId);
                }
            }
        }

        state.State.EvaluatedMonth = ended;
        await WriteAsync();
    }

    private async Task CheckRecoveryAsync()
    {
        var recovered = new List<string>();
        foreach (var districtId in state.State.Watching)
        {
            var summary = await GrainFactory.GetGrain<IDistrictGrain>(districtId).GetSummary();
            var supervision = GrainFactory.GetGrain<ISupervisionGrain>(districtId);
            if (await supervision.RateNow(summary.ActiveVolunteerRate, _options.ActivityThreshold) is not null)
            {
                LogClosed(logger, districtId, summary.ActiveVolunteerRate);
                recovered.Add(districtId);
            }
        }

        if (recovered.Count > 0)
        {
            state.State.Watching.ExceptWith(recovered);
            await WriteAsync();
        }
    }

    /// <summary>
    /// The clock's state is changed in place; should storing it fail, the activation goes, and the next one re-reads
    /// what was stored (the orders themselves are stored by each district's supervision grain first).
    /// </summary>
    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Supervision order opened for district {DistrictId}: activity {Rate:P0} at the end of {Month}")]
    private static partial void LogOpened(ILogger logger, string districtId, string month, double rate);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Supervision order of district {DistrictId} closed: activity recovered to {Rate:P0}")]
    private static partial void LogClosed(ILogger logger, string districtId, double rate);
}
