namespace Fer.Onnx;

/// <summary>
/// A module of ours that knows its own ONNX graph. Its <c>EmitOnnx</c> must describe exactly what
/// its <c>forward</c> computes in eval mode; the parity check proves it for every export.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Emits the module's nodes reading <paramref name="input"/>; returns the name of the output value.</summary>
    string EmitOnnx(OnnxExportContext context, string input);
}
