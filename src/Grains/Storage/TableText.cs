using System.Globalization;
using System.Text;
using Azure.Data.Tables;

namespace Boai.Orleans.Storage;

/// <summary>
/// A text longer than one table property holds (64 KiB of UTF-16: 32,768 characters) stored over several: <c>{name}</c>,
/// then <c>{name}1</c>, <c>{name}2</c>, … (the entity's 1 MiB is the caller's to keep).
/// </summary>
public static class TableText
{
    /// <summary>Characters per property, with a margin under the 32,768 Azure Tables and Azurite take.</summary>
    public const int PropertyChars = 30_000;

    public static void Write(TableEntity row, string name, string text)
    {
        var part = 0;
        var start = 0;
        do
        {
            var length = Math.Min(PropertyChars, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                // A surrogate pair stays in one property: half of one is not a valid string to store.
                length--;
            }

            row[PartName(name, part++)] = text.Substring(start, length);
            start += length;
        }
        while (start < text.Length);
    }

    /// <summary>The text <see cref="Write"/> stored under <paramref name="name"/>; null when there is none.</summary>
    public static string? Read(TableEntity row, string name)
    {
        if (row.GetString(name) is not { } first)
        {
            return null;
        }

        if (row.GetString(PartName(name, 1)) is null)
        {
            return first;
        }

        var text = new StringBuilder(first);
        for (var part = 1; row.GetString(PartName(name, part)) is { } next; part++)
        {
            text.Append(next);
        }

        return text.ToString();
    }

    private static string PartName(string name, int part) => part == 0 ? name : name + part.ToString(CultureInfo.InvariantCulture);
}
