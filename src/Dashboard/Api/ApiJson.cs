using System.Text.Json;
using System.Text.Json.Serialization;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>The JSON of the contract, for HTTP and the hub alike: camelCase names and camelCase enum words.</summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new StrictDateTimeOffsetConverter());
    }
}
