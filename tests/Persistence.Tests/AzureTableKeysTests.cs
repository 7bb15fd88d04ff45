using System.Text;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Persistence.Tests;

public sealed class AzureTableKeysTests
{
    private static readonly string[] AllKeys =
    [
        "",
        "plain-key_1.2",
        "a/b",
        "a_b",
        "a~2Fb",
        "a~7E2Fb",
        @"back\slash",
        "hash#tag",
        "what?",
        "pipe|separated",
        "tilde~",
        "~",
        "~u0041",
        "control\u0001\u001F\u007F\u009F",
        "中文 義工",
        "emoji \U0001F600",
        "lone \uD800 surrogate",
        "quote ' and \" and %2F",
    ];

    public static TheoryData<string> Keys() => [.. AllKeys];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Escaped_key_has_no_character_Azure_forbids(string key)
    {
        var escaped = AzureTableKeys.Escape(key);

        Assert.DoesNotContain(escaped, c => c is '/' or '\\' or '#' or '?' or (>= '\u0000' and <= '\u001F') or (>= '\u007F' and <= '\u009F'));
        // Keys travel as UTF-8, which cannot carry a lone surrogate.
        Assert.Equal(escaped, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(escaped)));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Escaping_is_reversible(string key) =>
        Assert.Equal(key, AzureTableKeys.Unescape(AzureTableKeys.Escape(key)));

    [Fact]
    public void Different_keys_never_escape_to_the_same_value()
    {
        var escaped = AllKeys.Select(AzureTableKeys.Escape).ToArray();

        Assert.Equal(AllKeys.Length, escaped.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Slash_and_underscore_stay_distinct_and_readable()
    {
        Assert.Equal("a~2Fb", AzureTableKeys.Escape("a/b"));
        Assert.Equal("a_b", AzureTableKeys.Escape("a_b"));
        Assert.Equal("a~7E2Fb", AzureTableKeys.Escape("a~2Fb"));
    }

    [Fact]
    public void Text_without_forbidden_characters_is_kept_as_is()
    {
        Assert.Equal("volunteer-42", AzureTableKeys.Escape("volunteer-42"));
        Assert.Equal("中文", AzureTableKeys.Escape("中文"));
    }

    [Fact]
    public void Components_are_escaped_before_they_are_joined()
    {
        Assert.Equal("boai|household~2Fh-1", AzureTableKeys.Compose("boai", "household/h-1"));
        Assert.NotEqual(AzureTableKeys.Compose("a|b", "c"), AzureTableKeys.Compose("a", "b|c"));
    }

    [Theory]
    [InlineData("~")]
    [InlineData("~4")]
    [InlineData("~ZZ")]
    [InlineData("~u12")]
    public void Unescaping_a_value_that_escaping_cannot_produce_fails(string value) =>
        Assert.Throws<FormatException>(() => AzureTableKeys.Unescape(value));
}
