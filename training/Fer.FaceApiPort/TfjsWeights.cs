using System.Buffers.Binary;
using System.Text.Json;

namespace Fer.FaceApiPort;

/// <summary>
/// Reads a TF.js weights manifest (<c>*-weights_manifest.json</c>: groups of <c>paths</c>, the binary shards
/// read one after the other, and <c>weights</c>, the tensors laid out in that order) and decodes every tensor as
/// TF.js's <c>decodeWeights</c> does: uint8/uint16 quantized values become <c>q * scale + min</c> (computed in
/// double, stored as float32), float16 values are widened, and unquantized float32/int32/bool are read as is.
/// A file that does not fit its manifest is refused with the name of the tensor where it stops fitting.
/// </summary>
public sealed class TfjsWeights
{
    private readonly Dictionary<string, TfjsTensor> tensors;

    private TfjsWeights(string manifestPath, IReadOnlyList<string> shards, Dictionary<string, TfjsTensor> tensors)
    {
        ManifestPath = manifestPath;
        Shards = shards;
        this.tensors = tensors;
    }

    public string ManifestPath { get; }

    /// <summary>The shard files as the manifest names them (relative to its folder), in reading order.</summary>
    public IReadOnlyList<string> Shards { get; }

    public IReadOnlyCollection<string> Names => tensors.Keys;

    public static TfjsWeights Load(string manifestPath)
    {
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"TF.js weights manifest '{manifestPath}' does not exist.", manifestPath);
        }

        using var document = ParseJson(manifestPath);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(manifestPath, "the top level is not a JSON array of weight groups");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var tensors = new Dictionary<string, TfjsTensor>(StringComparer.Ordinal);
        var shards = new List<string>();
        var groupIndex = 0;
        foreach (var group in document.RootElement.EnumerateArray())
        {
            foreach (var tensor in ReadGroup(manifestPath, directory, groupIndex++, group, shards))
            {
                if (!tensors.TryAdd(tensor.Name, tensor))
                {
                    throw Invalid(manifestPath, $"tensor '{tensor.Name}' is listed twice");
                }
            }
        }

        return new TfjsWeights(manifestPath, shards, tensors);
    }

    /// <summary>The tensor <paramref name="name"/>, which must have exactly <paramref name="shape"/>.</summary>
    public TfjsTensor Get(string name, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!tensors.TryGetValue(name, out var tensor))
        {
            throw Invalid(ManifestPath, $"tensor '{name}' is missing");
        }

        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw Invalid(ManifestPath, $"tensor '{name}' has shape {tensor.ShapeText}, expected [{string.Join(", ", shape)}]");
        }

        return tensor;
    }

    private static JsonDocument ParseJson(string manifestPath)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(manifestPath));
        }
        catch (JsonException e)
        {
            throw Invalid(manifestPath, $"it is not valid JSON ({e.Message})");
        }
    }

    private static List<TfjsTensor> ReadGroup(string manifestPath, string directory, int groupIndex, JsonElement group, List<string> shards)
    {
        if (group.ValueKind != JsonValueKind.Object
            || !group.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Array
            || !group.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(manifestPath, $"weight group {groupIndex} needs the arrays 'paths' and 'weights'");
        }

        // The shards of a group are one buffer cut into files; tensors may straddle two shards.
        var data = paths.EnumerateArray().SelectMany(path => ReadShard(manifestPath, directory, path)).ToArray();
        shards.AddRange(paths.EnumerateArray().Select(path => path.GetString()!));
        var result = new List<TfjsTensor>();
        var offset = 0L;
        foreach (var weight in weights.EnumerateArray())
        {
            var spec = TfjsWeightSpec.Parse(manifestPath, weight);
            var byteLength = spec.ElementCount * spec.BytesPerElement;
            if (offset + byteLength > data.Length)
            {
                throw Invalid(manifestPath, $"tensor '{spec.Name}' {spec.ShapeText} needs {byteLength:N0} bytes at offset {offset:N0}, but the shards of group {groupIndex} hold only {data.Length:N0} bytes");
            }

            result.Add(spec.Decode(data.AsSpan((int)offset, (int)byteLength)));
            offset += byteLength;
        }

        if (offset != data.Length)
        {
            var last = result.Count > 0 ? $"after the last tensor '{result[^1].Name}'" : "with no tensors listed";
            throw Invalid(manifestPath, $"the shards of group {groupIndex} hold {data.Length - offset:N0} bytes {last}: the manifest does not describe these files");
        }

        return result;
    }

    private static byte[] ReadShard(string manifestPath, string directory, JsonElement path)
    {
        if (path.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(path.GetString()))
        {
            throw Invalid(manifestPath, "a shard path is not a non-empty string");
        }

        var file = Path.Combine(directory, path.GetString()!);
        return File.Exists(file)
            ? File.ReadAllBytes(file)
            : throw new FileNotFoundException($"TF.js weights shard '{file}' named by '{manifestPath}' does not exist.", file);
    }

    internal static InvalidDataException Invalid(string manifestPath, string reason) =>
        new($"TF.js weights '{manifestPath}': {reason}.");

    internal static float ReadFloat16(ReadOnlySpan<byte> bytes) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes);
}
