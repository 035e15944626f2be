using Fer.Inference.Models;

namespace Fer.Inference.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "fer-manifest-" + Guid.NewGuid().ToString("N"));

    public ModelManifestTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_manifest_round_trips_through_json_with_the_contracts_names()
    {
        var path = Write(Valid().ToJson());
        var json = File.ReadAllText(path);

        var loaded = ModelManifest.Load(path);

        Assert.Contains("\"macro_f1\": 0.73", json, StringComparison.Ordinal);
        Assert.Contains("\"sha256\"", json, StringComparison.Ordinal);
        Assert.Equal(Valid().Version, loaded.Version);
        Assert.Equal(Valid().Input.Mean, loaded.Input.Mean);
        Assert.Equal(0.73, loaded.Training!.Metrics!["macro_f1"]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var bad = Valid() with
        {
            Schema = 2,
            Input = new ModelInput { Size = 0, Color = "cmyk", Std = [0.2f, 0f, 0.2f] },
            Onnx = new OnnxFile { Sha256 = "abc" },
        };

        var error = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Write(bad.ToJson())));

        Assert.Equal(5, error.Problems.Count);
        Assert.Contains("schema is 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("input.color 'cmyk'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_malformed_files_name_the_file()
    {
        var missing = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Path.Combine(directory, "absent.json")));
        var malformed = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Write("{ not json")));

        Assert.Contains("absent.json", missing.Message, StringComparison.Ordinal);
        Assert.Contains("not valid manifest JSON", malformed.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    private static ModelManifest Valid() => new()
    {
        Name = "fer-resnet50-cbam",
        Version = "20261127T1830Z-3f2a9c1",
        Architecture = new ModelArchitecture("resnet50", "light"),
        Labels = EmotionLabels.Canonical,
        Input = new ModelInput { Size = 224 },
        Output = new ModelOutput("logits"),
        Onnx = new OnnxFile { Sha256 = new string('a', 64), Bytes = 100 },
        Training = new TrainingInfo { Dataset = "RAF-DB", Metrics = new Dictionary<string, double> { ["accuracy"] = 0.82, ["macro_f1"] = 0.73 } },
    };
}
