using System.Diagnostics;
using System.Runtime.InteropServices;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Training.Cli;
using Fer.Training.Data;
using Fer.Training.Export;
using Fer.Training.Model;
using Fer.Training.Reporting;
using Fer.Training.Training;
using TorchSharp;

namespace Fer.Training.Runs;

/// <summary>
/// One run of <c>fer-train train</c>, step by step: prepare the data, train, report on the held-out split, export the
/// model version, check its parity with TorchSharp, and publish it. <see cref="Cli.TrainCommand"/> only configures it.
/// </summary>
internal sealed class TrainingRun(TrainingRunSettings settings, TextWriter log)
{
    private readonly Stopwatch clock = new();

    private TrainingOptions Options => settings.Options;

    private string ReportDirectory => Path.Combine(settings.RunDirectory, "report");

    private string ModelDirectory => Path.Combine(settings.RunDirectory, "model");

    /// <returns>The exit code: success, or parity failed (the model is then not published).</returns>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        clock.Start();
        var data = await PrepareDataAsync(cancellationToken).ConfigureAwait(false);
        var (model, state) = Train(data);
        using (model)
        {
            var report = Report(data, model, state);
            var manifest = Export(data, model, report, state);
            if (!CheckParity(model, manifest))
            {
                return ExitCodes.ParityFailed;
            }

            return await PublishAsync(report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Downloads blob data, plans the splits, records the run's configuration and decodes train and validation.</summary>
    private async Task<PreparedData> PrepareDataAsync(CancellationToken cancellationToken)
    {
        var flushed = DenormalFlush.TryEnable();
        if (Options.Threads > 0)
        {
            torch.set_num_threads(Options.Threads);
        }

        if (settings.Source.IsBlob)
        {
            var storage = settings.Storage ?? throw new FerException($"--data {settings.Source} needs storage: pass --account NAME or --connection-string (or set {StorageArguments.ConnectionStringVariable}).");
            await storage.DownloadDataAsync(settings.Source.BlobName!, Path.GetDirectoryName(Options.Data.Root)!, log, cancellationToken).ConfigureAwait(false);
        }

        var checkpoints = settings.Storage?.Checkpoints(settings.RunDirectory);
        log.WriteLine(flushed ? "Denormal floats flush to zero (FTZ/DAZ), as torch.set_flush_denormal(True)." : "Denormal floats are kept (FTZ/DAZ not available on this platform).");
        var plan = DataPlan.Build(Options.Data);
        log.WriteLine($"Data: {plan.Description}. train {plan.Train.Count}, validation {plan.Validation.Count}, test {plan.Test.Count}; " +
                      $"{plan.MissingFiles.Count} listed but missing, {plan.Duplicates.TrainDuplicatesRemoved} duplicate(s) removed from train, " +
                      $"leaked into validation {plan.Duplicates.LeakedIntoSplit["validation"]}, test {plan.Duplicates.LeakedIntoSplit["test"]}.");
        foreach (var missing in plan.MissingFiles.Take(20))
        {
            log.WriteLine($"  missing: {missing}");
        }

        var command = RecordConfiguration(plan);
        var trainer = new Trainer(Options, settings.RunDirectory, log) { CheckpointSaved = checkpoints is null ? null : () => checkpoints.Upload(settings.RunDirectory) };
        if (checkpoints is not null)
        {
            log.WriteLine($"Checkpoints go to {checkpoints.Location} after every epoch: resume anywhere with --resume {settings.RunDirectory} and the same storage.");
        }

        var train = Cache("train", plan.Train, trainer);
        var validation = Cache("validation", plan.Validation, trainer);
        SampleSheet.Save([("train", train), ("validation", validation)], Path.Combine(ReportDirectory, SampleSheet.FileName));
        log.WriteLine($"What the model is fed, per class: {Path.Combine(ReportDirectory, SampleSheet.FileName)}");
        return new PreparedData(plan, command, trainer, train, validation);
    }

    /// <summary>Writes config.json (a resumed run keeps the command that started it) and the test split's list.</summary>
    private string RecordConfiguration(DataPlan plan)
    {
        var command = RunFiles.ReadCommand(settings.RunDirectory) ?? CommandLine.Current;
        RunFiles.WriteConfig(settings.RunDirectory, Options, new Dictionary<string, object?>
        {
            ["command"] = command,
            [RunFiles.DataSourceKey] = settings.Source.ToString(),
            ["dataFingerprint"] = plan.Fingerprint,
            ["data"] = plan.Description,
            ["counts"] = new { train = plan.Train.Count, validation = plan.Validation.Count, test = plan.Test.Count },
            ["missingFiles"] = plan.MissingFiles,
            ["duplicates"] = plan.Duplicates,
            ["versions"] = new
            {
                fer_train = typeof(TrainingRun).Assembly.GetName().Version?.ToString(),
                torchsharp = typeof(torch).Assembly.GetName().Version?.ToString(),
                dotnet = RuntimeInformation.FrameworkDescription,
                os = RuntimeInformation.OSDescription,
                processors = Environment.ProcessorCount,
            },
        });
        File.WriteAllLines(Path.Combine(settings.RunDirectory, "test-split.txt"), plan.Test.Select(i => $"{Path.GetRelativePath(Options.Data.Root, i.Path)}\t{EmotionLabels.Canonical[i.Label]}"));
        return command;
    }

    /// <summary>The two-stage recipe, from the last checkpoint when resumed; the best epoch's network comes back.</summary>
    private static (FerResNet Model, RunState State) Train(PreparedData data) => data.Trainer.Train(data.Train, data.Validation);

    /// <summary>Measures the network on the test split (validation when there is none) and writes the report, curves and history.</summary>
    private HeldOutReport Report(PreparedData data, FerResNet model, RunState state)
    {
        var plan = data.Plan;
        var testImages = plan.Test.Count > 0 ? plan.Test : plan.Validation;
        var split = plan.Test.Count > 0 ? "test" : Options.Data.ValidationSplit is { } folder ? $"validation (all of '{folder}')" : "validation";
        var test = plan.Test.Count > 0 ? Cache("test", plan.Test, data.Trainer) : data.Validation;
        var result = TorchEvaluator.Evaluate(model, test, data.Trainer.Preprocessor, torch.CPU);
        var metrics = ClassificationMetrics.Compute(test.Labels, result.Predicted, EmotionLabels.Canonical);
        var title = $"{Options.Model.Depth.ToArchitectureName()} + CBAM {Options.Model.Cbam.ToOptionName()}, {split} split ({testImages.Count} images)";
        ReportWriter.Write(ReportDirectory, metrics, title, new Dictionary<string, object?>
        {
            ["split"] = split,
            ["bestStage"] = state.BestStage,
            ["bestEpoch"] = state.BestEpoch,
            ["wallSeconds"] = clock.Elapsed.TotalSeconds,
            ["dataFingerprint"] = plan.Fingerprint,
        });
        TrainingCurvesChart.Save(state.History, Path.Combine(ReportDirectory, ReportWriter.CurvesFile), title);
        File.WriteAllText(Path.Combine(ReportDirectory, "history.json"), FerJson.Write(state.History));
        log.WriteLine(metrics.ToReportText());
        return new HeldOutReport(metrics, split, testImages);
    }

    /// <summary>Writes the model version folder (ONNX, manifest with provenance) with a copy of the report.</summary>
    private ModelManifest Export(PreparedData data, FerResNet model, HeldOutReport report, RunState state)
    {
        model.cpu();
        var manifest = ModelVersionWriter.Write(model, ModelDirectory, data.Trainer.Preprocessor.Input, new TrainingInfo
        {
            Dataset = $"{(settings.Source.IsBlob ? settings.Source.ToString() : data.Plan.Description)} (fingerprint {data.Plan.Fingerprint[..12]})",
            Command = data.Command,
            // Measured without mirror averaging, so a mirror-averaged export leaves them out (as fer-train export does);
            // with --publish the exported graph is measured as served in report/serving/.
            Metrics = settings.Job.MirrorAverage ? null : new Dictionary<string, double>
            {
                ["accuracy"] = report.Metrics.Accuracy,
                ["macroF1"] = report.Metrics.MacroF1,
                ["weightedF1"] = report.Metrics.WeightedF1,
                ["bestValidationAccuracy"] = state.History.Max(h => h.ValidationAccuracy),
            },
        }, DateTimeOffset.UtcNow, settings.Job.MirrorAverage);
        foreach (var file in Directory.GetFiles(ReportDirectory))
        {
            var target = Path.Combine(ModelDirectory, "report", Path.GetFileName(file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return manifest;
    }

    /// <summary>Compares ONNX Runtime's logits with TorchSharp's and writes parity.json; false means the ONNX file is not trustworthy.</summary>
    private bool CheckParity(FerResNet model, ModelManifest manifest)
    {
        var parity = ParityChecker.Check(ModelVersionWriter.Classifier([model], settings.Job.MirrorAverage), Path.Combine(ModelDirectory, manifest.Onnx.File), Options.ImageSize, [1, 4], Options.Seed);
        parity.Write(ModelDirectory);
        log.WriteLine($"Model {manifest.Version} written to {ModelDirectory}; parity max_abs_diff {parity.MaxAbsDiff:E2}. Total {clock.Elapsed.TotalMinutes:F1} min.");
        if (!parity.Passed)
        {
            log.WriteLine("Parity check FAILED: the model is not published.");
        }

        return parity.Passed;
    }

    /// <summary>With --publish: measures the exported folder as served and publishes it (and promotes it with --promote).</summary>
    private Task<int> PublishAsync(HeldOutReport report, CancellationToken cancellationToken) =>
        settings.Job.FinishAsync(settings.Storage, ModelDirectory, report.HeldOut, report.Split, log, cancellationToken);

    private static ImageCache Cache(string name, IReadOnlyList<LabelledImage> images, Trainer trainer)
    {
        var progress = new ProgressBar($"decode {name}", images.Count);
        var cache = ImageCache.Build(images, trainer.Preprocessor, new Progress<int>(done => progress.Report(done, string.Empty)));
        progress.Finish(images.Count, string.Empty);
        foreach (var failure in cache.Failures)
        {
            Console.WriteLine($"  not decodable, left out: {failure}");
        }

        return cache;
    }

    /// <summary>What training needs: the split plan, the command recorded for provenance, the trainer and the decoded images.</summary>
    private sealed record PreparedData(DataPlan Plan, string Command, Trainer Trainer, ImageCache Train, ImageCache Validation);

    /// <summary>The held-out measurement: its metrics, the split's name, and its images (measured again as served on publish).</summary>
    private sealed record HeldOutReport(ClassificationMetrics Metrics, string Split, IReadOnlyList<LabelledImage> HeldOut);
}
