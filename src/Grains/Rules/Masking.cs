namespace Boai.Orleans.Rules;

/// <summary>How names and phone numbers are shown where the viewer does not need them in full (陈** / 138****0000).</summary>
public static class Masking
{
    public static string Name(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return string.Empty;
        }

        var text = name.Trim();
        var first = char.IsSurrogate(text[0]) ? text[..2] : text[..1];
        return first + new string('*', Math.Max(1, Math.Min(2, text.Length - first.Length)));
    }

    public static string Phone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return string.Empty;
        }

        var digits = phone.Trim();
        return digits.Length <= 7 ? new string('*', digits.Length) : digits[..3] + new string('*', digits.Length - 7) + digits[^4..];
    }
}
