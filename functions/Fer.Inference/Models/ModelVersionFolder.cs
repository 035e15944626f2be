using System.Security.Cryptography;

namespace Fer.Inference.Models;

/// <summary>
/// A model version folder (model.onnx + manifest.json) that has been checked before use: the
/// manifest is valid, the ONNX file served (fp32, or a variant such as int8) has the recorded size and SHA-256, ONNX Runtime loads it, and its
/// input size and output width agree with the manifest.
/// </summary>
public sealed class ModelVersionFolder : IDisposable
{
    private ModelVersionFolder(string directory, ModelManifest manifest, ChosenOnnxFile onnx, OnnxLogitsSession session)
    {
        Directory = directory;
        Manifest = manifest;
        Onnx = onnx;
        Session = session;
    }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    /// <summary>The ONNX file being served: the manifest's fp32 file or the variant the precision setting chose.</summary>
    public ChosenOnnxFile Onnx { get; }

    public OnnxLogitsSession Session { get; }

    /// <summary>Opens and verifies <paramref name="directory"/>; throws <see cref="InvalidModelException"/> naming what is wrong.</summary>
    /// <param name="precision">Which ONNX file to serve (<see cref="ModelPrecision"/>): int8 when the manifest lists it, or fp32.</param>
    public static ModelVersionFolder Open(string directory, int intraOpThreads = 0, string executionProvider = "cpu", Action<string>? warn = null, string graphOptimization = "all", string precision = ModelPrecision.Default)
    {
        var manifest = ModelManifest.Load(Path.Combine(directory, ModelManifest.FileName));
        var onnx = manifest.Onnx.Choose(precision);
        var onnxPath = Path.Combine(directory, onnx.File);
        if (!File.Exists(onnxPath))
        {
            throw new InvalidModelException(directory, $"the manifest names '{onnx.File}' as its {onnx.Precision} file, which is not in the folder");
        }

        var length = new FileInfo(onnxPath).Length;
        if (onnx.Bytes > 0 && length != onnx.Bytes)
        {
            throw new InvalidModelException(directory, $"'{onnx.File}' has {length} bytes; the manifest says {onnx.Bytes} for its {onnx.Precision} file (truncated or replaced file)");
        }

        var sha256 = Sha256Of(onnxPath);
        if (!string.Equals(sha256, onnx.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidModelException(directory, $"'{onnx.File}' has SHA-256 {sha256}; the manifest says {onnx.Sha256} for its {onnx.Precision} file (corrupt or replaced file)");
        }

        OnnxLogitsSession session;
        try
        {
            session = new OnnxLogitsSession(onnxPath, intraOpThreads, executionProvider, warn, graphOptimization);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidModelException(directory, e.Message);
        }

        if (DeclaredShapeProblem(session, manifest) is { } problem)
        {
            session.Dispose();
            throw new InvalidModelException(directory, problem);
        }

        return new ModelVersionFolder(directory, manifest, onnx, session);
    }

    /// <summary>What makes the graph's input or output differ from the manifest's: names, [N,3,S,S] in, [N,labels] out; null when they agree.</summary>
    private static string? DeclaredShapeProblem(OnnxLogitsSession session, ModelManifest manifest)
    {
        var (input, output) = (session.InputShape, session.OutputShape);
        var expectedInput = $"[N,3,{manifest.Input.Size},{manifest.Input.Size}]";
        var expectedOutput = $"[N,{manifest.Labels.Count}]";
        return session.InputName != manifest.Input.Name
                ? $"the model's input is named '{session.InputName}' but the manifest says '{manifest.Input.Name}'"
            : session.OutputName != manifest.Output.Name
                ? $"the model's output is named '{session.OutputName}' but the manifest says '{manifest.Output.Name}'"
            : input[1] != 3 || input[2] != manifest.Input.Size || input[3] != manifest.Input.Size
                ? $"the model takes [{string.Join(',', input)}] but the manifest says {expectedInput}"
            : output.Count != 2 || output[1] != manifest.Labels.Count
                ? $"the model outputs [{string.Join(',', output)}] but the manifest's {manifest.Labels.Count} labels need {expectedOutput}"
            : null;
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose() => Session.Dispose();
}
