using System.Text.Json;
using System.Text.Json.Serialization;
using ChatBackup.Core.Operations;

namespace ChatBackup.Storage;

/// <summary>How an <see cref="Operation"/> is written to the <c>document</c> column.</summary>
public static class OperationJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // jsonb keeps keys in its own order (shortest first), so the intent's "verb" discriminator
        // is not necessarily the first property when the document comes back.
        AllowOutOfOrderMetadataProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Names, not numbers: a reordered enum must not change what a stored row means.
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(Operation operation) => JsonSerializer.Serialize(operation, Options);

    public static Operation Deserialize(string json) =>
        JsonSerializer.Deserialize<Operation>(json, Options) ?? throw new JsonException("An operation document was null.");
}
