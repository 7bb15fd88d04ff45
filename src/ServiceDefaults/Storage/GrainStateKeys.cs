namespace Boai.Orleans.Hosting.Storage;

/// <summary>
/// Which grain ids Orleans' Azure Table provider stores without ever merging two of them. It keys a state by
/// partition <c>{serviceId}_{grainType}/{grainKey}</c> and row <c>{stateName}</c>, and replaces '/', '\', '#' and '?'
/// with '_' (Azure forbids them in keys). That replacement is one-to-one only while the key and the state name
/// contain none of those four characters and the grain type contains no '_' either (it then marks where the type ends).
/// Ids from callers pass <see cref="Model.Ids"/> first; this is the storage's own check, for every id from anywhere.
/// </summary>
public static class GrainStateKeys
{
    private static readonly char[] Replaced = ['/', '\\', '#', '?'];

    /// <summary>Null when the provider keeps this state apart from every other; else why not.</summary>
    public static string? Problem(GrainId grainId, string stateName)
    {
        var type = grainId.Type.ToString() ?? string.Empty;
        var key = grainId.Key.ToString() ?? string.Empty;
        if (type.Length == 0 || type.IndexOfAny(Replaced) >= 0 || type.Contains('_', StringComparison.Ordinal) || HasControl(type))
        {
            return $"grain type '{type}' must not contain '_', '/', '\\', '#', '?' or control characters";
        }

        if (key.IndexOfAny(Replaced) >= 0 || HasControl(key))
        {
            return $"grain key '{key}' must not contain '/', '\\', '#', '?' or control characters";
        }

        if (string.IsNullOrEmpty(stateName) || stateName.IndexOfAny(Replaced) >= 0 || HasControl(stateName))
        {
            return $"state name '{stateName}' must not be empty or contain '/', '\\', '#', '?' or control characters";
        }

        return null;
    }

    // Azure rejects U+0000–U+001F and U+007F–U+009F in keys.
    private static bool HasControl(string text) => text.Any(char.IsControl);
}
