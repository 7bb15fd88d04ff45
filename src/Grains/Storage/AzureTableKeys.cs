using System.Globalization;
using System.Text;

namespace Boai.Orleans.Storage;

/// <summary>
/// Builds PartitionKey and RowKey values that Azure Tables accepts from arbitrary text, without collisions.
/// </summary>
/// <remarks>
/// Azure Tables forbids <c>/ \ # ?</c> and the control characters U+0000–U+001F and U+007F–U+009F in keys.
/// Those, the escape character <c>~</c> itself and the component separator <c>|</c> are written as <c>~XX</c>
/// (two upper-case hex digits); a lone surrogate, which cannot travel as UTF-8, is written as <c>~uXXXX</c>.
/// Because the escape character is itself escaped, the encoding is reversible: <c>a/b</c> becomes <c>a~2Fb</c>
/// while <c>a_b</c> and <c>a~2Fb</c> stay <c>a_b</c> and <c>a~7E2Fb</c>. Everything else (including non-ASCII
/// text) is kept as is, so keys stay readable in a storage browser.
/// </remarks>
public static class AzureTableKeys
{
    /// <summary>Starts an escape sequence.</summary>
    public const char EscapeChar = '~';

    /// <summary>Separates the escaped components of a composite key.</summary>
    public const char Separator = '|';

    /// <summary>Escapes one key component so that Azure Tables accepts it and no two inputs share an output.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!NeedsEscaping(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append(EscapeChar).Append('u').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else if (IsEscaped(c))
            {
                builder.Append(EscapeChar).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="Escape"/>.</summary>
    /// <exception cref="FormatException">The value is not the output of <see cref="Escape"/>.</exception>
    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains(EscapeChar, StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != EscapeChar)
            {
                builder.Append(value[i]);
                continue;
            }

            var isWide = i + 1 < value.Length && value[i + 1] == 'u';
            var start = isWide ? i + 2 : i + 1;
            var length = isWide ? 4 : 2;
            if (start + length > value.Length
                || !int.TryParse(value.AsSpan(start, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw new FormatException($"Invalid escape sequence at position {i} in key '{value}'.");
            }

            builder.Append((char)code);
            i = start + length - 1;
        }

        return builder.ToString();
    }

    /// <summary>Joins escaped components with <see cref="Separator"/>, e.g. a service id and a grain id.</summary>
    public static string Compose(params ReadOnlySpan<string> components)
    {
        var builder = new StringBuilder();
        foreach (var component in components)
        {
            if (builder.Length > 0)
            {
                builder.Append(Separator);
            }

            builder.Append(Escape(component));
        }

        return builder.ToString();
    }

    private static bool NeedsEscaping(string value)
    {
        foreach (var c in value)
        {
            if (IsEscaped(c) || char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEscaped(char c) =>
        c is '/' or '\\' or '#' or '?' or EscapeChar or Separator or (>= '\u0000' and <= '\u001F') or (>= '\u007F' and <= '\u009F');
}
