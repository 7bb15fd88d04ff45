using System.Security.Cryptography;
using System.Text;
using Boai.Orleans.Dashboard.Security;
using QRCoder;

namespace Boai.Orleans.Dashboard.Phone;

/// <summary>
/// The QR placard a coordinator prints for a household's door: <c>boai:{householdId}:{signature}</c>, signed with the
/// service's key so a code cannot be made up for another household. Scanning it at check-in is a second proof of presence.
/// </summary>
public sealed class PlacardCodes
{
    private const string Prefix = "boai:";
    private readonly byte[] _key;

    public PlacardCodes(TokenSigning signing, IConfiguration configuration)
    {
        // Placards:SigningKey, or a key derived from the token signing key (a placard code is never a token signature).
        // With an external authority and no placard key there is no secret to sign with: placards are unavailable.
        var secret = configuration["Placards:SigningKey"] is { Length: >= AuthOptions.MinimumKeyBytes } own ? Encoding.UTF8.GetBytes(own) : signing.Key?.Key;
        _key = secret is null ? [] : HMACSHA256.HashData(secret, "boai-placard"u8);
    }

    /// <summary>Whether this instance has a key to sign and check placards with.</summary>
    public bool Available => _key.Length > 0;

    public string CodeFor(string householdId) => Prefix + householdId + ":" + Signature(householdId);

    /// <summary>The household a scanned code names, when its signature is right.</summary>
    public string? HouseholdOf(string? code)
    {
        if (!Available || code is null || !code.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = code[Prefix.Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }

        var householdId = rest[..colon];
        var given = Encoding.ASCII.GetBytes(rest[(colon + 1)..]);
        var expected = Encoding.ASCII.GetBytes(Signature(householdId));
        return CryptographicOperations.FixedTimeEquals(given, expected) ? householdId : null;
    }

    /// <summary>The placard as an SVG QR code, printable at any size.</summary>
    public string Svg(string householdId)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(CodeFor(householdId), QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(8);
    }

    private string Signature(string householdId) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(householdId)).AsSpan(0, 12))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
