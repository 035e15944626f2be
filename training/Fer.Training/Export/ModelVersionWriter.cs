using System.Globalization;
using System.Text.Json;
using Fer.Inference;
using Fer.Inference.Models;
using Fer.Onnx;
using Fer.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Export;

/// <summary>Writes a model version folder: model.onnx and manifest.json (docs/design.md, "Model artifact").</summary>
public static class ModelVersionWriter
{
    public const string OnnxFileName = "model.onnx";

    /// <summary>A name that says what the model is, e.g. "fer-resnet20-cbam-light-gray64-equalized".</summary>
    public static string ModelName(ModelArchitecture architecture, ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(input);
        var cbam = architecture.Cbam == "none" ? string.Empty : $"-cbam-{architecture.Cbam}";
        var equalized = input.EqualizesHistogram ? "-equalized" : string.Empty;
        return $"fer-{architecture.Backbone}{cbam}-{input.Color}{input.Size.ToString(CultureInfo.InvariantCulture)}{equalized}";
    }

    /// <summary>
    /// Exports <paramref name="model"/> in eval mode to <paramref name="directory"/>; returns the manifest written.
    /// With <paramref name="mirrorAverage"/> the graph averages the logits of each face and its mirror image.
    /// </summary>
    public static ModelManifest Write(FerResNet model, string directory, ModelInput input, TrainingInfo? training, DateTimeOffset createdAt, bool mirrorAverage = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Write([model], directory, input, training, createdAt, mirrorAverage);
    }

    /// <summary>
    /// Exports one network, or several as a <see cref="LogitAveragingEnsemble"/>, all taking <paramref name="input"/>.
    /// </summary>
    public static ModelManifest Write(IReadOnlyList<FerResNet> members, string directory, ModelInput input, TrainingInfo? training, DateTimeOffset createdAt, bool mirrorAverage = false)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(input);
        Directory.CreateDirectory(directory);
        var classifier = Classifier(members, mirrorAverage);

        var version = $"{createdAt.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture)}-{WeightsFingerprint.Compute(members)[..7]}";
        var architecture = new ModelArchitecture(
            string.Join('+', members.Select(m => m.Options.Depth.ToArchitectureName()).Distinct()),
            string.Join('+', members.Select(m => m.Options.Cbam.ToOptionName()).Distinct()),
            mirrorAverage ? MirrorAveragedClassifier.ManifestName : null,
            members.Count > 1 ? members.Count : null);
        var labels = EmotionLabels.Canonical;
        var onnxPath = Path.Combine(directory, OnnxFileName);
        using (var stream = File.Create(onnxPath))
        {
            OnnxExporter.Export(classifier, input.Size, members[0].Options.NumClasses, Metadata(version, architecture, labels, input), stream);
        }

        var manifest = new ModelManifest
        {
            Name = ModelName(architecture, input),
            Version = version,
            Architecture = architecture,
            Labels = labels,
            Input = input with { Name = OnnxExporter.InputName },
            Output = new ModelOutput(OnnxExporter.OutputName),
            Onnx = new OnnxFile
            {
                File = OnnxFileName,
                Sha256 = ModelVersionFolder.Sha256Of(onnxPath),
                Bytes = new FileInfo(onnxPath).Length,
                Opset = 17,
            },
            Training = training,
        };
        File.WriteAllText(Path.Combine(directory, ModelManifest.FileName), manifest.ToJson());
        return manifest;
    }

    /// <summary>
    /// The module whose graph is exported, in eval mode: the one network, or the mean of several
    /// (<see cref="LogitAveragingEnsemble"/>), optionally wrapped in <see cref="MirrorAveragedClassifier"/>.
    /// The wrappers hold no tensors of their own.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Classifier(IReadOnlyList<FerResNet> members, bool mirrorAverage)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0)
        {
            throw new ArgumentException("Nothing to export: no network was given.", nameof(members));
        }

        foreach (var member in members)
        {
            member.eval();
        }

        if (members.Count == 1)
        {
            return mirrorAverage ? new MirrorAveragedClassifier(members[0]) : members[0];
        }

        var ensemble = new LogitAveragingEnsemble(members);
        return mirrorAverage ? new MirrorAveragedClassifier(ensemble) : ensemble;
    }

    /// <summary>The ONNX metadata_props: labels and version travel inside the model file too.</summary>
    private static List<KeyValuePair<string, string>> Metadata(string version, ModelArchitecture architecture, IReadOnlyList<string> labels, ModelInput input)
    {
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("name", ModelName(architecture, input)),
            new("version", version),
            new("labels", JsonSerializer.Serialize(labels)),
            new("backbone", architecture.Backbone),
            new("cbam", architecture.Cbam),
            new("input_size", input.Size.ToString(CultureInfo.InvariantCulture)),
            new("color", input.Color),
            new("equalize", input.Equalize ?? "none"),
        };
        if (architecture.TestTimeAugmentation is { } augmentation)
        {
            metadata.Add(new("test_time_augmentation", augmentation));
        }

        if (architecture.Ensemble is { } ensemble)
        {
            metadata.Add(new("ensemble", ensemble.ToString(CultureInfo.InvariantCulture)));
        }

        return metadata;
    }
}
