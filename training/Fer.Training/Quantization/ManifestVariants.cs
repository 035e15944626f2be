using System.Text.Json;
using System.Text.Json.Nodes;
using Fer.Inference;
using Fer.Inference.Models;

namespace Fer.Training.Quantization;

/// <summary>
/// Lists a quantised file in a manifest (a model's manifest.json or a face detector's face-detector.json): the
/// <c>onnx</c> entry gains <c>"precision": "fp32"</c> and a <c>variants</c> entry for the new file, replacing one of the
/// same precision. Everything else of the file is left as written, in its own spelling (the new keys are single words,
/// the same in schema 1's snake_case and schema 2's camelCase), so an old manifest stays what it was plus the variant.
/// </summary>
public static class ManifestVariants
{
    public static void Add(string manifestPath, OnnxVariant variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        var text = File.ReadAllText(manifestPath);
        using var document = JsonDocument.Parse(text);
        var spelling = FerJson.OptionsFor(document.RootElement);
        var root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"'{manifestPath}' is not a JSON object.");
        var onnx = root["onnx"] as JsonObject ?? throw new InvalidDataException($"'{manifestPath}' has no onnx entry.");
        onnx["precision"] = ModelPrecision.Fp32;
        var variants = onnx["variants"] as JsonArray ?? [];
        onnx.Remove("variants");
        foreach (var same in variants.Where(v => v?["precision"]?.GetValue<string>() == variant.Precision).ToList())
        {
            variants.Remove(same);
        }

        variants.Add(JsonSerializer.SerializeToNode(variant, spelling));
        onnx["variants"] = variants;
        File.WriteAllText(manifestPath, root.ToJsonString(FerJson.Files) + (text.EndsWith('\n') ? "\n" : string.Empty));
    }
}
