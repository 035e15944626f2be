using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Fer.Training.Quantization;

/// <summary>
/// Per-inference times of two models on the same input, measured side by side in one process (runs alternate, so
/// both see the same machine state): the medians are what the fp32-versus-int8 comparison reports.
/// </summary>
public static class InferenceTiming
{
    public static (double FirstMs, double SecondMs) MedianMilliseconds(string firstModel, string secondModel, float[] input, int[] shape, int runs = 50, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(shape);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        using var first = new InferenceSession(firstModel, options);
        using var second = new InferenceSession(secondModel, options);
        var tensor = new DenseTensor<float>(input, shape);
        var (firstTimes, secondTimes) = (new List<double>(), new List<double>());
        for (var i = 0; i < runs + 3; i++)
        {
            var (a, b) = (Time(first, tensor), Time(second, tensor));
            if (i >= 3)
            {
                // The first runs allocate and warm caches: not what a warm server sees.
                firstTimes.Add(a);
                secondTimes.Add(b);
            }
        }

        return (Median(firstTimes), Median(secondTimes));
    }

    private static double Time(InferenceSession session, DenseTensor<float> input)
    {
        var clock = Stopwatch.StartNew();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), input)]);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }
}
