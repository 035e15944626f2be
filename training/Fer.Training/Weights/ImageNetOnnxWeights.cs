using Fer.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Fer.Training.Weights;

/// <summary>
/// ImageNet weights that exist offline: the ResNet that the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 (MIT) ships as ONNX, copied beside fer-train at build time.
/// Its graph is read node by node and its parameters named as torchvision names a ResNet, so that
/// <see cref="WeightLoader"/> matches them key by key. That network takes BGR pixels in 0..255 minus
/// a mean image; the import reorders the stem's input channels to RGB, and <see cref="ReadInputNormalization"/>
/// gives the mean and std that make the project's preprocessing feed it what it was trained on.
/// </summary>
public static class ImageNetOnnxWeights
{
    /// <summary>What <c>--weights</c> accepts in place of a path.</summary>
    public const string ShortName = "imagenet";

    public static string PackagedModel => Path.Combine(AppContext.BaseDirectory, "imagenet", "ResNet18.onnx");

    public static string PackagedPreprocessing => Path.Combine(AppContext.BaseDirectory, "imagenet", "ResNetPreprocess.onnx");

    /// <summary>The packaged model's path; a clear error when the build did not copy it.</summary>
    public static string ResolvePackagedModel() =>
        File.Exists(PackagedModel)
            ? PackagedModel
            : throw new FileNotFoundException(
                $"The ImageNet weights are not beside fer-train ('{PackagedModel}'). They come from the NuGet package " +
                "Microsoft.ML.DnnImageFeaturizer.ResNet18, downloaded when training/Fer.Training is restored: run dotnet build again.", PackagedModel);

    /// <summary>
    /// Mean and std (RGB, for pixels scaled to [0,1]) under which (v/255 - mean)/std equals the original
    /// input, v - mean: the preprocessing graph's per-pixel mean image, averaged per channel.
    /// </summary>
    public static (float[] Mean, float[] Std) ReadInputNormalization(string preprocessingPath)
    {
        var graph = OnnxModelReader.Read(preprocessingPath);
        var meanImage = graph.Constants.Values.SingleOrDefault(t => t.Dims.Length == 4 && t.Dims[1] == 3)
            ?? throw new InvalidDataException($"'{preprocessingPath}' holds no [1,3,H,W] mean image.");
        var concat = graph.Nodes.SingleOrDefault(n => n.OpType == "Concat")
            ?? throw new InvalidDataException($"'{preprocessingPath}' has no Concat node that sets the channel order.");
        var plane = (int)(meanImage.Dims[2] * meanImage.Dims[3]);
        var bgrMeans = Enumerable.Range(0, 3).Select(c => meanImage.Values.AsSpan(c * plane, plane).ToArray().Average()).ToArray();
        // The graph splits RGB input into R, G, B and concatenates them as B, G, R.
        var isBgr = concat.Inputs.Count == 3 && concat.Inputs[0].StartsWith('B') && concat.Inputs[2].StartsWith('R');
        var rgbMeans = isBgr ? bgrMeans.Reverse().ToArray() : bgrMeans;
        return (rgbMeans.Select(m => m / 255f).ToArray(), [1 / 255f, 1 / 255f, 1 / 255f]);
    }

    /// <summary>
    /// The backbone's parameters under torchvision's names (conv1, bn1, layerS.B.conv1, ..., downsample.0/1),
    /// found by following the graph from each residual Add back to its convolutions. Throws when a node
    /// does not fit that shape of network, naming it.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string path)
    {
        var graph = OnnxModelReader.Read(path);
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        var consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(i => (i, n))).ToLookup(p => p.i, p => p.n, StringComparer.Ordinal);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var mapped = new HashSet<OnnxNode>();

        var stem = graph.Nodes.FirstOrDefault(n => n.OpType == "Conv" && graph.Inputs.Contains(n.Inputs[0]))
            ?? throw new InvalidDataException($"'{path}': no convolution reads the graph's input; not a ResNet.");
        AddConvolution(graph, stem, "conv1.weight", state, mapped, swapToRgb: true);
        AddBatchNorm(graph, Consumer(consumers, stem, "BatchNormalization", path), "bn1", state, mapped);

        var (stage, block) = (1, -1);
        foreach (var add in graph.Nodes.Where(n => n.OpType == "Add"))
        {
            var branches = add.Inputs.Select(input => Producer(producers, input, path)).ToList();
            var main = branches.SingleOrDefault(b => IsMainBranch(producers, b))
                ?? throw new InvalidDataException($"'{path}': Add node '{add.Name}' is not a residual block's output (no conv-bn-relu-conv-bn branch).");
            var shortcut = branches.Single(b => !ReferenceEquals(b, main));
            var hasDownsample = shortcut.OpType == "BatchNormalization";
            (stage, block) = block >= 0 && hasDownsample ? (stage + 1, 0) : (stage, block + 1);
            var prefix = $"layer{stage}.{block}";

            var conv2 = Producer(producers, main.Inputs[0], path);
            var relu = Producer(producers, conv2.Inputs[0], path);
            var bn1 = Producer(producers, relu.Inputs[0], path);
            var conv1 = Producer(producers, bn1.Inputs[0], path);
            AddConvolution(graph, conv1, $"{prefix}.conv1.weight", state, mapped, swapToRgb: false);
            AddBatchNorm(graph, bn1, $"{prefix}.bn1", state, mapped);
            AddConvolution(graph, conv2, $"{prefix}.conv2.weight", state, mapped, swapToRgb: false);
            AddBatchNorm(graph, main, $"{prefix}.bn2", state, mapped);
            if (hasDownsample)
            {
                AddConvolution(graph, Producer(producers, shortcut.Inputs[0], path), $"{prefix}.downsample.0.weight", state, mapped, swapToRgb: false);
                AddBatchNorm(graph, shortcut, $"{prefix}.downsample.1", state, mapped);
            }
        }

        var left = graph.Nodes.Where(n => n.OpType is "Conv" or "BatchNormalization" or "Gemm" or "MatMul" && !mapped.Contains(n)).ToList();
        return left.Count == 0
            ? state
            : throw new InvalidDataException($"'{path}': {left.Count} weighted node(s) are not part of a basic-block ResNet and would be lost: {string.Join(", ", left.Take(5).Select(n => $"{n.OpType} '{n.Name}'"))}.");
    }

    /// <summary>bn2(conv2(relu(bn1(...)))): the shortcut's convolution reads the block input instead.</summary>
    private static bool IsMainBranch(Dictionary<string, OnnxNode> producers, OnnxNode node)
    {
        OnnxNode? Up(OnnxNode? n) => n is not null && n.Inputs.Count > 0 && producers.TryGetValue(n.Inputs[0], out var p) ? p : null;
        var conv = Up(node);
        var relu = Up(conv);
        return node.OpType == "BatchNormalization" && conv?.OpType == "Conv" && relu?.OpType == "Relu" && Up(relu)?.OpType == "BatchNormalization";
    }

    private static OnnxNode Producer(Dictionary<string, OnnxNode> producers, string output, string path) =>
        producers.TryGetValue(output, out var node) ? node : throw new InvalidDataException($"'{path}': nothing in the graph produces '{output}'.");

    private static OnnxNode Consumer(ILookup<string, OnnxNode> consumers, OnnxNode node, string opType, string path) =>
        consumers[node.Outputs[0]].SingleOrDefault(n => n.OpType == opType)
        ?? throw new InvalidDataException($"'{path}': '{node.Name}' is not followed by {opType}.");

    private static void AddConvolution(OnnxModelGraph graph, OnnxNode conv, string key, Dictionary<string, Tensor> state, HashSet<OnnxNode> mapped, bool swapToRgb)
    {
        if (conv.OpType != "Conv" || conv.Inputs.Count != 2)
        {
            throw new InvalidDataException($"'{conv.Name}' ({conv.OpType}) is not a convolution without bias, where {key} should be.");
        }

        var weight = ToTensor(graph.Constant(conv.Inputs[1]));
        // Reorder input channels so that the stem reads RGB as the original read BGR.
        state[key] = swapToRgb ? weight.flip(1).contiguous() : weight;
        mapped.Add(conv);
    }

    private static void AddBatchNorm(OnnxModelGraph graph, OnnxNode norm, string prefix, Dictionary<string, Tensor> state, HashSet<OnnxNode> mapped)
    {
        const float TorchEpsilon = 1e-5f;
        if (norm.OpType != "BatchNormalization" || norm.Inputs.Count != 5)
        {
            throw new InvalidDataException($"'{norm.Name}' ({norm.OpType}) is not a batch normalisation, where {prefix} should be.");
        }

        if (norm.Floats.TryGetValue("epsilon", out var epsilon) && Math.Abs(epsilon - TorchEpsilon) > 1e-9)
        {
            throw new InvalidDataException($"'{norm.Name}' has epsilon {epsilon}; the model's batch normalisation uses {TorchEpsilon}.");
        }

        string[] names = ["weight", "bias", "running_mean", "running_var"];
        for (var i = 0; i < names.Length; i++)
        {
            state[$"{prefix}.{names[i]}"] = ToTensor(graph.Constant(norm.Inputs[i + 1]));
        }

        mapped.Add(norm);
    }

    private static Tensor ToTensor(OnnxTensor tensor) => tensor.Values.Length == tensor.Dims.Aggregate(1L, (a, b) => a * b)
        ? torch.tensor(tensor.Values, tensor.Dims)
        : throw new InvalidDataException($"Tensor '{tensor.Name}' is not float data of shape [{string.Join(", ", tensor.Dims)}].");
}
