using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Fer.Training.Weights;

/// <summary>
/// Reads and writes state dicts (name -> tensor) as PyTorch files (.pth/.pt, the zip format that
/// <c>torch.save</c> writes) or .safetensors, chosen by the file extension.
/// </summary>
public static class StateDictFile
{
    public static bool IsSafetensors(string path) =>
        string.Equals(Path.GetExtension(path), ".safetensors", StringComparison.OrdinalIgnoreCase);

    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        }

        try
        {
            if (IsSafetensors(path))
            {
                return Safetensors.LoadStateDict(path);
            }

            return Flatten(PyTorchUnpickler.UnpickleStateDict(path), path);
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException(
                $"Weights file '{path}' could not be read as a {(IsSafetensors(path) ? "safetensors" : "PyTorch state dict")} file: {e.Message}. " +
                "Save a state dict (torch.save(model.state_dict(), path)), not a whole pickled model.", e);
        }
    }

    public static void Write(string path, IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var cpu = stateDict.ToDictionary(p => p.Key, p => p.Value.detach().cpu().contiguous());
        if (IsSafetensors(path))
        {
            Safetensors.SaveStateDict(path, cpu);
            return;
        }

        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, new Hashtable(cpu));
    }

    /// <summary>Accepts a bare state dict, or a checkpoint dict that holds one under a usual key.</summary>
    private static Dictionary<string, Tensor> Flatten(Hashtable table, string path)
    {
        foreach (var wrapper in new[] { "state_dict", "model_state_dict", "model" })
        {
            if (table[wrapper] is Hashtable inner)
            {
                return Flatten(inner, path);
            }
        }

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string key && entry.Value is Tensor tensor)
            {
                result[key] = tensor;
            }
        }

        return result.Count > 0
            ? result
            : throw new InvalidDataException($"Weights file '{path}' holds no tensors under string keys; it is not a state dict.");
    }
}
