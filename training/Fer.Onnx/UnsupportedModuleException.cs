using Fer.Inference;

namespace Fer.Onnx;

/// <summary>The exporter met a module it has no ONNX translation for and refused to guess.</summary>
public sealed class UnsupportedModuleException : FerException
{
    public UnsupportedModuleException(string modulePath, string moduleType, string reason)
        : base($"Cannot export module '{modulePath}' of type '{moduleType}' to ONNX: {reason}")
    {
        ModulePath = modulePath;
        ModuleType = moduleType;
    }

    public UnsupportedModuleException()
    {
        ModulePath = string.Empty;
        ModuleType = string.Empty;
    }

    public UnsupportedModuleException(string message)
        : base(message)
    {
        ModulePath = string.Empty;
        ModuleType = string.Empty;
    }

    public UnsupportedModuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        ModulePath = string.Empty;
        ModuleType = string.Empty;
    }

    public string ModulePath { get; }

    public string ModuleType { get; }
}
