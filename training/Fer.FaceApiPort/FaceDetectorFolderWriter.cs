using System.Buffers.Binary;
using System.Text.Json;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;

namespace Fer.FaceApiPort;

/// <summary>
/// Builds face-api's SSD MobileNet v1 from its TF.js weights and writes a face detector folder: the ONNX graph,
/// the anchors (which face-api ships as a weight, <c>Output/extra_dim</c>), face-api's licence and
/// face-detector.json. The output depends only on the weights, so exporting twice gives the same bytes.
/// </summary>
public static class FaceDetectorFolderWriter
{
    public const string OnnxFileName = "ssd_mobilenetv1.onnx";
    public const string AnchorsFileName = "anchors.bin";
    public const string LicenceFileName = "LICENSE-face-api.txt";

    /// <summary>Reads the weights in <paramref name="weightsDirectory"/> (face-api's <c>model</c> folder) into a new module.</summary>
    /// <returns>The module in eval mode, the anchors [5118 * 4], and the files read (the manifest, then its shards).</returns>
    public static (SsdMobileNetV1 Model, float[] Anchors, IReadOnlyList<string> Files) LoadModel(string weightsDirectory)
    {
        if (!Directory.Exists(weightsDirectory))
        {
            throw new DirectoryNotFoundException($"Weights folder '{weightsDirectory}' does not exist; it is face-api's model folder (npm ci --prefix tools/face-reference).");
        }

        var weights = TfjsWeights.Load(Path.Combine(weightsDirectory, FaceApiWeightLoader.ManifestFileName));
        var model = new SsdMobileNetV1();
        try
        {
            var anchors = FaceApiWeightLoader.Load(model, weights);
            model.eval();
            return (model, anchors, [FaceApiWeightLoader.ManifestFileName, .. weights.Shards]);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <param name="files">The weight files read, relative to <paramref name="weightsDirectory"/>: recorded with their SHA-256.</param>
    public static FaceDetectorManifest Write(SsdMobileNetV1 model, float[] anchors, string weightsDirectory, IReadOnlyList<string> files, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        Directory.CreateDirectory(outputDirectory);
        var origin = Origin(weightsDirectory, files, outputDirectory);
        var onnxPath = Path.Combine(outputDirectory, OnnxFileName);
        using (var stream = File.Create(onnxPath))
        {
            FaceDetectorOnnx.Write(model, [
                new("name", "face-api-ssd-mobilenetv1"),
                new("weights", $"{origin.Package}@{origin.Version}"),
                new("licence", origin.Licence),
            ], stream);
        }

        var anchorsPath = Path.Combine(outputDirectory, AnchorsFileName);
        File.WriteAllBytes(anchorsPath, LittleEndian(anchors));

        var manifest = new FaceDetectorManifest
        {
            Name = "face-api-ssd-mobilenetv1",
            Input = new FaceDetectorInput { Name = FaceDetectorOnnx.InputName, Size = SsdMobileNetV1.InputSize },
            Output = new FaceDetectorOutput { Name = FaceDetectorOnnx.OutputName, Anchors = SsdMobileNetV1.AnchorCount },
            Onnx = new OnnxFile { File = OnnxFileName, Sha256 = ModelVersionFolder.Sha256Of(onnxPath), Bytes = new FileInfo(onnxPath).Length },
            Anchors = new AnchorsFile { File = AnchorsFileName, Sha256 = ModelVersionFolder.Sha256Of(anchorsPath), Bytes = new FileInfo(anchorsPath).Length },
            Decoding = new FaceDetectorDecoding(),
            Weights = origin,
        };
        File.WriteAllText(Path.Combine(outputDirectory, FaceDetectorManifest.FileName), manifest.ToJson() + "\n");
        return manifest;
    }

    /// <summary>The npm package the weights come from (its package.json sits above the model folder), and its licence text copied beside the graph.</summary>
    internal static WeightsOrigin Origin(string weightsDirectory, IReadOnlyList<string> files, string outputDirectory)
    {
        var packageRoot = Path.GetDirectoryName(Path.GetFullPath(weightsDirectory).TrimEnd(Path.DirectorySeparatorChar))!;
        var packageJson = Path.Combine(packageRoot, "package.json");
        var hashes = files.Select(file => ModelVersionFolder.Sha256Of(Path.Combine(weightsDirectory, file))).ToList();
        var folder = Path.GetFileName(Path.GetFullPath(weightsDirectory).TrimEnd(Path.DirectorySeparatorChar));
        if (!File.Exists(packageJson))
        {
            return new WeightsOrigin { Package = "unknown", Version = "unknown", Licence = "unknown", Files = files, Sha256 = hashes };
        }

        using var package = JsonDocument.Parse(File.ReadAllText(packageJson));
        string Field(string name) => package.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "unknown";
        var licence = Path.Combine(packageRoot, "LICENSE");
        if (File.Exists(licence))
        {
            File.Copy(licence, Path.Combine(outputDirectory, LicenceFileName), overwrite: true);
        }

        return new WeightsOrigin
        {
            Package = Field("name"),
            Version = Field("version"),
            Licence = Field("license"),
            LicenceFile = File.Exists(licence) ? LicenceFileName : null,
            Files = [.. files.Select(file => $"{folder}/{file}")],
            Sha256 = hashes,
        };
    }

    private static byte[] LittleEndian(float[] values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return bytes;
    }
}
