namespace Boai.Orleans.Visits;

/// <summary>
/// A visit inside the service: the volunteer and the id their phone chose. Phone ids are unique per volunteer only, so
/// two volunteers choosing one id each get their own visit; the routes keep the phone's id and the service adds the
/// volunteer (from the token, or the visit-id lookup for coordinators).
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct VisitKey([property: Id(0)] string VolunteerId, [property: Id(1)] string VisitId)
{
    public const char Separator = '|';

    /// <summary>The grain key of the visit (and of its service record and approvals).</summary>
    public override string ToString() => VolunteerId + Separator + VisitId;

    public static VisitKey Parse(string key)
    {
        // Visit ids (checked by the API) never hold the separator; a token's subject might.
        var at = key.LastIndexOf(Separator);
        if (at < 0)
        {
            throw new ArgumentException($"Not a visit key: {key}", nameof(key));
        }

        return new VisitKey(key[..at], key[(at + 1)..]);
    }
}

public static class VisitGrains
{
    /// <summary>The visit <paramref name="visitId"/> of <paramref name="volunteerId"/>.</summary>
    public static IVisitGrain Visit(this IGrainFactory grains, string volunteerId, string visitId) =>
        grains.GetGrain<IVisitGrain>(new VisitKey(volunteerId, visitId).ToString());

    public static IVisitGrain Visit(this IGrainFactory grains, VisitKey key) => grains.GetGrain<IVisitGrain>(key.ToString());

    /// <summary>The key of a visit as the ledger and the views name it.</summary>
    public static VisitKey KeyOf(this VisitView visit) => new(visit.VolunteerId, visit.VisitId);
}
