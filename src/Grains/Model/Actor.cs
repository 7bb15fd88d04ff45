namespace Boai.Orleans.Model;

/// <summary>
/// Who asks a grain to change a record on a person's behalf: their id, and the districts they may change (an operator
/// any). Grains that own a rule about districts decide it from this, so the rule holds whoever calls the grain.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Actor(
    [property: Id(0)] string Sub,
    [property: Id(1)] bool IsOperator,
    [property: Id(2)] IReadOnlyList<string> Districts)
{
    public static Actor Operator(string sub) => new(sub, true, []);

    public static Actor Coordinator(string sub, params string[] districts) => new(sub, false, districts);

    public bool Covers(string? districtId) => districtId is not null && (IsOperator || Districts.Contains(districtId, StringComparer.Ordinal));
}
