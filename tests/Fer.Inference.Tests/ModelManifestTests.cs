using Fer.Inference.Models;
using Fer.Testing;

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

        Assert.StartsWith("{\n  \"schema\": 2,", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"testTimeAugmentation\": \"horizontal-flip-average\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("test_time_augmentation", json, StringComparison.Ordinal);
        Assert.Contains("\"macro_f1\": 0.73", json, StringComparison.Ordinal); // a metric's name is data, kept as written
        Assert.Contains("\"sha256\"", json, StringComparison.Ordinal);
        Assert.Equal("horizontal-flip-average", loaded.Architecture.TestTimeAugmentation);
        Assert.Equal(Valid().Version, loaded.Version);
        Assert.Equal(Valid().Input.Mean, loaded.Input.Mean);
        Assert.Equal(0.73, loaded.Training!.Metrics!["macro_f1"]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var bad = Valid() with
        {
            Version = "a/b",
            Input = new ModelInput { Size = 0, Color = "cmyk", Std = [0.2f, 0f, 0.2f] },
            Onnx = new OnnxFile { Sha256 = "abc" },
        };

        var error = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Write(bad.ToJson())));

        Assert.Equal(5, error.Problems.Count);
        Assert.Contains("version 'a/b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("input.color 'cmyk'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sha256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_malformed_files_name_the_file()
    {
        var missing = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Path.Combine(directory, "absent.json")));
        var malformed = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(Write("{ not json")));

        Assert.Contains("absent.json", missing.Message, StringComparison.Ordinal);
        Assert.Contains("not valid model manifest JSON", malformed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_former_demo_manifest_of_schema_1_still_reads_with_its_snake_case_names()
    {
        var path = TestImages.Fixture("demo-manifest-schema1.json");
        Assert.Contains("\"schema\": 1", File.ReadAllText(path), StringComparison.Ordinal);

        var manifest = ModelManifest.Load(path);

        Assert.Equal("horizontal-flip-average", manifest.Architecture.TestTimeAugmentation);
        Assert.True(manifest.Input.EqualizesHistogram);
        Assert.Equal(FerJson.Schema, manifest.Schema); // written again, it is written in the new spelling
        Assert.Contains("\"testTimeAugmentation\"", manifest.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_manifest_of_a_newer_schema_is_refused_with_the_reason()
    {
        var newer = Write(Valid().ToJson().Replace("\"schema\": 2", "\"schema\": 3", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidModelManifestException>(() => ModelManifest.Load(newer));

        Assert.Contains("has schema 3; this version of Fer reads schema 1 to 2: a newer Fer wrote it", error.Message, StringComparison.Ordinal);
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
        Architecture = new ModelArchitecture("resnet50", "light", "horizontal-flip-average"),
        Labels = EmotionLabels.Canonical,
        Input = new ModelInput { Size = 224 },
        Output = new ModelOutput("logits"),
        Onnx = new OnnxFile { Sha256 = new string('a', 64), Bytes = 100 },
        Training = new TrainingInfo { Dataset = "RAF-DB", Metrics = new Dictionary<string, double> { ["accuracy"] = 0.82, ["macro_f1"] = 0.73 } },
    };
}
