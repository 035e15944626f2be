namespace Fer.Inference.Models;

/// <summary>
/// Which of a model's ONNX files serving runs (setting <c>Fer:ModelPrecision</c>): "int8" (default) runs the
/// manifest's int8 variant when it lists one and the float file otherwise; "fp32" always runs the float file.
/// </summary>
public static class ModelPrecision
{
    public const string Fp32 = "fp32";

    /// <summary>Static int8 quantisation (the manifest's variant of that precision).</summary>
    public const string Integer8 = "int8";

    /// <summary>What serving picks when nothing is set: int8 where the folder has it.</summary>
    public const string Default = Integer8;

    public static IReadOnlyList<string> All { get; } = [Integer8, Fp32];

    public static bool IsKnown(string? precision) => precision is Fp32 or Integer8;

    /// <summary>Checks a setting or option value; the message names where it came from.</summary>
    public static string Parse(string? value, string setting) =>
        IsKnown(value) ? value! : throw new FerException($"{setting} is '{value}'; it must be one of {string.Join(", ", All)}.");
}
