namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// The routes whose successful GET reads personal data (a full file, notes, photos, a certificate, an export): the one
/// list of what is audited as a read, beside the endpoints marked <see cref="AuditedRead"/> where they are mapped.
/// </summary>
public static class PersonalData
{
    public static readonly IReadOnlySet<string> ReadRoutes = new HashSet<string>(StringComparer.Ordinal)
    {
        "/api/v1/households/{householdId}",
        "/api/v1/volunteers/{volunteerId}",
        "/api/v1/visits/{visitId}",
        "/api/v1/volunteers/{volunteerId}/certificate",
        "/api/v1/districts/{districtId}/hours.csv",
        "/api/v1/districts/{districtId}/uncovered.csv",
    };

    /// <summary>Route prefixes of reads added by other areas (photos, exports) whatever their exact template.</summary>
    public static readonly IReadOnlyList<string> ReadRoutePrefixes = ["/api/v1/exports", "/api/v1/photos"];

    /// <summary>The operators' view of a grain's state in the Orleans dashboard.</summary>
    public const string GrainStatePath = "/orleans/GrainState";

    public static bool IsPersonalRead(Endpoint? endpoint)
    {
        if (endpoint?.Metadata.GetMetadata<AuditedRead>() is not null)
        {
            return true;
        }

        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        return route is not null
            && (ReadRoutes.Contains(route)
                || ReadRoutePrefixes.Any(p => route.StartsWith(p, StringComparison.Ordinal))
                || route.Contains("/photos", StringComparison.Ordinal)
                || route.EndsWith(".csv", StringComparison.Ordinal));
    }
}
