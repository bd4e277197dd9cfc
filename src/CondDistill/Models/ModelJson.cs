using System.Text.Json;
using System.Text.Json.Serialization;

namespace CondDistill.Models;

/// <summary>JSON settings shared by every model configuration (camelCase, enums as strings, compact).</summary>
internal static class ModelJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary><see cref="Options"/> that refuse unknown fields (for configuration files a person wrote).</summary>
    internal static readonly JsonSerializerOptions StrictOptions = new(Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
