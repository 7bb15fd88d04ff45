using Boai.Orleans.Model;

namespace Boai.Orleans.Supervision;

/// <summary>A district's supervision orders, keyed by district id: the open one (at most one) and every closed one.</summary>
public interface ISupervisionGrain : IGrainWithStringKey
{
    /// <summary>A month ended with this activity rate: opens an order when it is at or below the threshold and none is open.</summary>
    Task<SupervisionOrder?> MonthEnded(string month, double rate, double threshold);

    /// <summary>The current rate: closes the open order when it is above the threshold again.</summary>
    Task<SupervisionOrder?> RateNow(double rate, double threshold);

    Task<Outcome<SupervisionOrder>> Respond(string orderId, string actions, DateOnly targetDate, string by);

    /// <summary>Every order, newest first.</summary>
    Task<IReadOnlyList<SupervisionOrder>> GetOrders();
}

/// <summary>
/// The one clock of supervision (key <c>city</c>): at each month's end it reads every district's activity rate and
/// opens orders; meanwhile it watches the districts with an open order for recovery. Runs by a grain timer, revived
/// by a reminder; time from <see cref="TimeProvider"/>.
/// </summary>
public interface ISupervisionClockGrain : IGrainWithStringKey
{
    const string Key = "city";

    Task Wake();

    /// <summary>Runs one check now (what the timer does).</summary>
    Task Check();
}
