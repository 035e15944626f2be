using System.Text.Json;
using Fer.Inference.FaceDetection;
using Fer.Inference.Models;
using Fer.Inference.TrainingData;
using Fer.Testing;

namespace Fer.Inference.Tests;

/// <summary>One spelling for what Fer writes (camelCase, with schema 2), and the snake_case files of schema 1 still read.</summary>
public sealed class FerJsonTests : IDisposable
{
    private static readonly string Sha = new('a', 64);

    private readonly string directory = Path.Combine(Path.GetTempPath(), "fer-json-" + Guid.NewGuid().ToString("N"));

    public FerJsonTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string CommittedDetector => Path.Combine(FaceApiReference.RepositoryRoot, "models", "face-detector", FaceDetectorManifest.FileName);

    [Fact]
    public void Answers_keep_nulls_and_files_leave_them_out_both_in_camelCase_with_enums_as_camelCase_strings()
    {
        var value = new { FaceCount = (int?)null, DayOfWeek = DayOfWeek.Monday };

        Assert.Equal("""{"faceCount":null,"dayOfWeek":"monday"}""", JsonSerializer.Serialize(value, FerJson.Options));
        Assert.Equal("{\n  \"dayOfWeek\": \"monday\"\n}", FerJson.Write(value).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_face_detector_manifest_of_schema_1_reads_its_snake_case_names_and_is_written_again_in_camelCase()
    {
        var old = File.ReadAllText(CommittedDetector);
        Assert.Contains("\"schema\": 1", old, StringComparison.Ordinal);
        var path = Write(old.Replace("\"score_threshold\": 0.5", "\"score_threshold\": 0.3", StringComparison.Ordinal));

        var manifest = FaceDetectorManifest.Load(path);
        var again = FaceDetectorManifest.Load(Write(manifest.ToJson()));

        Assert.Equal(0.3, manifest.Decoding.ScoreThreshold);
        Assert.Contains("\"scoreThreshold\": 0.3", manifest.ToJson(), StringComparison.Ordinal);
        Assert.Contains("\"schema\": 2", manifest.ToJson(), StringComparison.Ordinal);
        Assert.Equal(0.3, again.Decoding.ScoreThreshold);
        Assert.Equal(manifest.Weights.LicenceFile, again.Weights.LicenceFile);
        Assert.NotNull(again.Weights.LicenceFile);
    }

    [Fact]
    public void A_face_manifest_of_a_newer_schema_is_refused_with_the_reason()
    {
        var newer = Write(File.ReadAllText(CommittedDetector).Replace("\"schema\": 1", "\"schema\": 3", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidModelManifestException>(() => FaceDetectorManifest.Load(newer));

        Assert.Contains("has schema 3; this version of Fer reads schema 1 to 2: a newer Fer wrote it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_training_data_manifest_without_a_schema_reads_as_snake_case_and_the_new_one_round_trips()
    {
        var old = TrainingDataManifest.Parse($$"""{"name": "faces", "files": [{"path": "Happiness/a.png", "label": "Happiness", "sha256": "{{Sha}}", "bytes": 3}]}""", "old");
        var written = old.ToJson();
        var again = TrainingDataManifest.Parse(written, "new");

        Assert.Equal(("Happiness/a.png", "Happiness", 3L), (old.Files[0].Path, old.Files[0].Label, old.Files[0].Bytes));
        Assert.Contains("\"schema\": 2", written, StringComparison.Ordinal);
        Assert.Equal(old.Files, again.Files);
        Assert.Equal("faces", again.Name);
    }

    [Fact]
    public void A_schema_newer_than_known_or_not_a_number_is_refused_naming_the_source()
    {
        var newer = Assert.Throws<InvalidDataException>(() => TrainingDataManifest.Parse("""{"schema": 9, "name": "x", "files": []}""", "training/x/manifest.json"));
        var word = Assert.Throws<InvalidDataException>(() => TrainingDataManifest.Parse("""{"schema": "two", "name": "x", "files": []}""", "training/x/manifest.json"));

        Assert.Equal("'training/x/manifest.json' has schema 9; this version of Fer reads schema 1 to 2: a newer Fer wrote it, update Fer to read it.", newer.Message);
        Assert.Contains("schema is \"two\", not a whole number", word.Message, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }
}
