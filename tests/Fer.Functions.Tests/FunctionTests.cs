using System.Net;
using System.Text.Json;
using Fer.Api;
using Fer.Inference;
using Fer.Inference.Classification;
using Fer.Inference.Pipeline;
using Fer.Inference.Storage;
using Fer.Testing;
using Fer.Training.Data;
using Fer.Training.Training;
using SkiaSharp;

using Microsoft.AspNetCore.Http;

namespace Fer.Functions.Tests;

[Collection(AzuriteTests.Name)]
public sealed class FunctionTests(Azurite azurite) : IDisposable
{
    private readonly string models = Path.Combine(Path.GetTempPath(), "fer-fn-models-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(models))
        {
            Directory.Delete(models, recursive: true);
        }
    }

    [Fact]
    public async Task The_blob_trigger_writes_one_row_however_often_it_runs()
    {
        using var host = new FunctionHost(azurite);
        TestModels.Export(Path.Combine(models, "a"), seed: 1);
        await host.Get<ModelStore>().PublishAsync(Path.Combine(models, "a"), promote: true);
        var function = host.Create<ClassifyFaceFunction>();
        var blob = await host.UploadAsync("trip/face.jpg", TestImages.Jpeg(50, 50, SKColors.Beige));

        await function.Run(blob, blob.Name, CancellationToken.None);
        await function.Run(blob, blob.Name, CancellationToken.None);

        var rows = await host.Get<ResultsStore>().QueryAsync("trip", null, null, 100, null);
        var row = Assert.Single(rows.Rows);
        Assert.Equal(ClassificationStatus.Classified, row.Status);
    }

    [Fact]
    public async Task The_function_scores_equal_fer_train_evaluates_for_the_same_file_and_model()
    {
        using var host = new FunctionHost(azurite);
        TestModels.Export(Path.Combine(models, "a"), seed: 2, size: 48, color: "gray");
        await host.Get<ModelStore>().PublishAsync(Path.Combine(models, "a"), promote: true);
        var file = Path.Combine(models, "face.png");
        File.WriteAllBytes(file, TestImages.NoisyJpeg(70, 90));
        var blob = await host.UploadAsync("same/face.png", File.ReadAllBytes(file));

        await host.Create<ClassifyFaceFunction>().Run(blob, blob.Name, CancellationToken.None);
        using var classifier = EmotionClassifier.Open(Path.Combine(models, "a"));
        var evaluated = ServingEvaluator.Classify(classifier, [new LabelledImage(file, 0)]).Single().Result;

        var row = Assert.Single(await host.Get<ResultsStore>().GetBlobRowsAsync("same", "face.png"));
        Assert.Equal(evaluated.Emotion, row.Emotion);
        foreach (var label in EmotionLabels.Canonical)
        {
            Assert.Equal(evaluated.Scores[label], row.Score(label)!.Value, 12);
        }
    }

    [Fact]
    public async Task A_photo_uploaded_to_the_trigger_gives_a_row_per_face_in_the_results_and_the_summary()
    {
        using var host = new FunctionHost(azurite, faceFinding: "detect");
        await host.Get<ModelStore>().PublishAsync(Path.Combine(FaceApiReference.RepositoryRoot, "models", "demo"), promote: true);
        var photo = await host.UploadAsync("party/obama_family.png", File.ReadAllBytes(Path.Combine(FaceApiReference.ExpectedDirectory, "obama_family.input.png")));
        var blank = await host.UploadAsync("party/blank.png", TestImages.Png(800, 600, SKColors.Gray));
        var function = host.Create<ClassifyFaceFunction>();
        var api = host.Get<ResultsApi>();

        await function.Run(photo, photo.Name, CancellationToken.None);
        await function.Run(blank, blank.Name, CancellationToken.None);
        var resultsRequest = TestHttp.Request(host.Get<IServiceProvider>(), "GET", "batches/party/results");
        var results = JsonDocument.Parse(Json((await api.ResultsAsync(resultsRequest, "party")).Body())).RootElement.GetProperty("items").EnumerateArray().ToList();
        var summary = JsonDocument.Parse(Json((await api.SummaryAsync("party", CancellationToken.None)).Body())).RootElement;
        var health = Json(api.Health().Body());

        var faces = results.Where(r => r.GetProperty("blobName").GetString() == photo.Name).ToList();
        Assert.Equal([0, 1, 2, 3], faces.Select(f => f.GetProperty("face").GetInt32()));
        Assert.All(faces, f => Assert.True(f.GetProperty("box").GetProperty("width").GetInt32() > 40));
        Assert.All(faces, f => Assert.Equal(ClassificationStatus.Classified, f.GetProperty("status").GetString()));
        var none = Assert.Single(results, r => r.GetProperty("blobName").GetString() == blank.Name);
        Assert.Equal(("rejected", "no-face", 0), (none.GetProperty("status").GetString(), none.GetProperty("errorCode").GetString(), none.GetProperty("faceCount").GetInt32()));
        Assert.Equal(JsonValueKind.Null, none.GetProperty("emotion").ValueKind);
        Assert.Equal((5, 2, 4), (summary.GetProperty("total").GetInt32(), summary.GetProperty("images").GetInt32(), summary.GetProperty("faces").GetInt32()));
        Assert.Contains("\"faceFinding\":\"detect\"", health, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_reads_the_model_state_without_loading_a_model_and_shows_no_exception_text()
    {
        using var host = new FunctionHost(azurite);
        var api = host.Get<ResultsApi>();
        var provider = host.Get<ModelProvider>();

        var starting = api.Health();
        await provider.RefreshAsync();
        var none = api.Health();
        var manifest = Fer.Testing.TestModels.Export(Path.Combine(models, "a"), seed: 3);
        await host.Get<ModelStore>().PublishAsync(Path.Combine(models, "a"), promote: true);
        var promotedButNotLoaded = api.Health();
        (await provider.AcquireAsync()).Dispose();
        var serving = api.Health();
        await host.Get<ModelStore>().Container.GetBlobClient(ModelStore.PointerBlob).UploadAsync(BinaryData.FromString("{\"version\": \"20990101T0000Z-0000000\"}"), overwrite: true);
        await provider.RefreshAsync();
        var degraded = api.Health();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "starting"), (starting.Status(), Item(starting).Status));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "no-model", "model-unavailable"), (none.Status(), Item(none).Status, Item(none).Problem));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "no-model"), (promotedButNotLoaded.Status(), Item(promotedButNotLoaded).Status));
        Assert.Equal((HttpStatusCode.OK, "healthy", manifest.Version, "cpu"), (serving.Status(), Item(serving).Status, Item(serving).ModelVersion, Item(serving).ExecutionProvider));
        Assert.Equal((HttpStatusCode.OK, "degraded", "model-check-failed", manifest.Version), (degraded.Status(), Item(degraded).Status, Item(degraded).Problem, Item(degraded).ModelVersion));
        Assert.NotNull(provider.Health.LastError);
        Assert.DoesNotContain(provider.Health.LastError!, Json(degraded.Body()), StringComparison.Ordinal);
        Assert.DoesNotContain("20990101T0000Z-0000000", Json(degraded.Body()), StringComparison.Ordinal);
    }

    private static HealthItem Item(IResult answer) => Assert.IsType<HealthItem>(answer.Body());

    [Theory]
    [InlineData("Joy", null, null)]
    [InlineData(null, "done", null)]
    [InlineData(null, null, "0")]
    [InlineData(null, null, "many")]
    [InlineData("Happiness' or 'a' eq 'a", null, null)]
    public async Task Results_refuse_unknown_filters_and_page_sizes(string? emotion, string? status, string? pageSize)
    {
        using var host = new FunctionHost(azurite);

        var query = QueryString.Create(new Dictionary<string, string?> { ["emotion"] = emotion, ["status"] = status, ["pageSize"] = pageSize }.Where(p => p.Value is not null));
        var request = TestHttp.Request(host.Get<IServiceProvider>(), "GET", "batches/any/results" + query);

        var answer = await host.Get<ResultsApi>().ResultsAsync(request, "any");

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status());
    }

    private static string Json(object? body) => JsonSerializer.Serialize(body, FerJson.Options);
}
