namespace Boai.Orleans.Dashboard.Reports;

/// <summary>Who issues volunteer service certificates (section <c>Certificates</c>), per district or by default.</summary>
public sealed class CertificateOptions
{
    public const string SectionName = "Certificates";

    /// <summary>The issuing station's name; <c>{district}</c> stands for the district's name.</summary>
    public string StationName { get; set; } = "{district}社工服务站";

    /// <summary>经办人: left as a line to sign when not configured.</summary>
    public string? Handler { get; set; }

    public string? Contact { get; set; }

    /// <summary>The CJK TrueType font certificate PDFs embed; by default Debian's fonts-droid-fallback is looked for.</summary>
    public string? FontPath { get; set; }

    /// <summary>Origin of the public verification address printed and encoded in the QR code; by default the request's.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Per-district overrides, keyed by district id.</summary>
    public Dictionary<string, StationContact> Stations { get; set; } = new(StringComparer.Ordinal);
}

public sealed class StationContact
{
    public string? StationName { get; set; }

    public string? Handler { get; set; }

    public string? Contact { get; set; }
}
