using Boai.Orleans.Catalogue;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Rules;

/// <summary>
/// Which trainings a volunteer holds validly (one home of the rule): a recorded training counts for a catalogue
/// training kind when its name is the kind's id or its Chinese or English name, and until it expires (its own
/// expiry date when recorded, else the kind's validity after completion).
/// A catalogue item that requires a training is never matched, planned or offered to a volunteer without it.
/// </summary>
public static class TrainingRules
{
    public static IReadOnlyList<string> Valid(IReadOnlyList<Training>? held, ServiceCatalogue catalogue, DateOnly today)
    {
        if (held is null || held.Count == 0)
        {
            return [];
        }

        return [.. catalogue.Trainings
            .Where(kind => held.Any(t => Names(t, kind) && t.CompletedOn <= today && (t.ExpiresOn ?? t.CompletedOn.AddMonths(kind.ValidMonths)) >= today))
            .Select(kind => kind.TrainingId)];
    }

    /// <summary>Whether <paramref name="held"/> (valid training ids) covers every one of <paramref name="required"/>.</summary>
    public static bool Covers(IReadOnlyList<string>? held, IReadOnlyList<string>? required) =>
        required is not { Count: > 0 } || (held is not null && required.All(held.Contains));

    /// <summary>
    /// The last expiry among <paramref name="held"/> trainings of <paramref name="kind"/>: when the volunteer lacks
    /// a valid one, whether they never had it (null) or it lapsed (the date), so a coordinator knows to renew or train.
    /// </summary>
    public static DateOnly? LastExpiry(IReadOnlyList<Training>? held, TrainingKind kind) =>
        held?.Where(t => Names(t, kind)).Select(t => (DateOnly?)(t.ExpiresOn ?? t.CompletedOn.AddMonths(kind.ValidMonths))).Max();

    private static bool Names(Training t, TrainingKind kind) =>
        t.Name == kind.TrainingId || t.Name == kind.Name || string.Equals(t.Name, kind.NameEn, StringComparison.OrdinalIgnoreCase);
}
