using Fer.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Fer.Training.Quantization;

/// <summary>
/// What ONNX Runtime actually runs for a model: the operators of the graph it writes after its optimisations
/// (SessionOptions.OptimizedModelFilePath). A QDQ model whose Conv became QLinearConv runs integer kernels; one that
/// still shows Conv beside DequantizeLinear runs float ones on dequantised weights.
/// </summary>
public static class OptimizedKernels
{
    /// <summary>Operator counts of the optimised graph, as "domain:OpType" (just "OpType" for ai.onnx), most frequent first.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Count(string modelPath, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        var optimized = Path.Combine(Path.GetTempPath(), $"fer-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = level, OptimizedModelFilePath = optimized })
            using (new InferenceSession(modelPath, options))
            {
            }

            return [.. OnnxModelFile.Read(optimized).Graph.Nodes
                .GroupBy(n => n.Domain.Length == 0 ? n.OpType : $"{n.Domain}:{n.OpType}")
                .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
                .OrderByDescending(p => p.Value)
                .ThenBy(p => p.Key, StringComparer.Ordinal)];
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    /// <summary>"12 QLinearConv, 3 DequantizeLinear, ...".</summary>
    public static string Describe(IReadOnlyList<KeyValuePair<string, int>> counts) =>
        string.Join(", ", counts.Select(p => $"{p.Value} {p.Key}"));

    /// <summary>How many of the optimised graph's operators compute in integers.</summary>
    public static int IntegerKernels(IReadOnlyList<KeyValuePair<string, int>> counts) =>
        counts.Where(p => IsInteger(p.Key)).Sum(p => p.Value);

    private static bool IsInteger(string op)
    {
        var name = op[(op.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return name.StartsWith("QLinear", StringComparison.Ordinal) || name is "QGemm" or "ConvInteger" or "MatMulInteger" or "MatMulIntegerToFloat" or "DynamicQuantizeMatMul";
    }
}
