using Fer.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Weights;

/// <summary>Loads weights files of the three known formats into a <see cref="FerResNet"/>, with a report.</summary>
public static class WeightLoader
{
    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/>; throws <see cref="WeightsMismatchException"/> when it does not fit.</summary>
    public static WeightLoadReport Load(FerResNet model, string path, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        var file = format switch
        {
            WeightFormat.ImageNetOnnx => ImageNetOnnxWeights.ReadStateDict(path),
            WeightFormat.ExportedOnnx => ExportedModelWeights.ReadStateDict(path),
            _ => StateDictFile.Read(path),
        };
        try
        {
            return Load(model, file, path, format);
        }
        finally
        {
            foreach (var tensor in file.Values)
            {
                tensor.Dispose();
            }
        }
    }

    public static WeightLoadReport Load(FerResNet model, IReadOnlyDictionary<string, Tensor> file, string path, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        var target = model.state_dict();
        var renamed = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var (key, tensor) in file)
        {
            var ourKey = format == WeightFormat.ReportPth ? WeightNames.FromReport(key) : key;
            if (IsImageNet(format) && WeightNames.IsHead(ourKey))
            {
                skipped.Add(key);
                continue;
            }

            renamed[ourKey] = tensor;
        }

        var loaded = new List<string>();
        var missing = new List<string>();
        var keptNew = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        foreach (var (key, parameter) in target)
        {
            if (!renamed.TryGetValue(key, out var value))
            {
                if (WeightNames.IsBatchCounter(key) || (IsImageNet(format) && (WeightNames.IsHead(key) || WeightNames.IsCbam(key))))
                {
                    keptNew.Add(key);
                }
                else
                {
                    missing.Add(key);
                }

                continue;
            }

            if (!value.shape.SequenceEqual(parameter.shape))
            {
                mismatched.Add(new ShapeMismatch(key, value.shape, parameter.shape));
                continue;
            }

            loaded.Add(key);
        }

        var report = new WeightLoadReport
        {
            Path = path,
            Format = format,
            Loaded = loaded,
            Missing = missing,
            KeptNew = keptNew,
            Unexpected = renamed.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToList(),
            Skipped = skipped.Order(StringComparer.Ordinal).ToList(),
            Mismatched = mismatched,
        };

        if (!report.Fits)
        {
            throw new WeightsMismatchException(report, Advice(model, format));
        }

        using (no_grad())
        {
            foreach (var key in loaded)
            {
                var destination = target[key];
                destination.copy_(renamed[key].to(destination.dtype));
            }
        }

        return report;
    }

    /// <summary>ImageNet backbones bring no head and no CBAM: those stay newly initialised.</summary>
    private static bool IsImageNet(WeightFormat format) => format is WeightFormat.Torchvision or WeightFormat.ImageNetOnnx;

    private static string Advice(FerResNet model, WeightFormat format) => format switch
    {
        WeightFormat.Torchvision =>
            $"The model is {model.Options.Depth.ToArchitectureName()}: use torchvision weights of that same depth (e.g. resnet50-0676ba61.pth for resnet50).",
        WeightFormat.ImageNetOnnx =>
            $"The model is {model.Options.Depth.ToArchitectureName()}; ML.NET's ImageNet ResNet has basic blocks 2, 2, 2, 3: use --backbone resnet20.",
        WeightFormat.ReportPth =>
            "The student report's checkpoint (report-pth) is a ResNet-50 with Light CBAM and 7 classes: use --backbone resnet50 --cbam light.",
        _ =>
            $"This checkpoint was made for another configuration; the model here is {model.Options.Depth.ToArchitectureName()} " +
            $"with CBAM '{model.Options.Cbam.ToOptionName()}' and {model.Options.NumClasses} classes.",
    };
}
