namespace Fer.Inference;

/// <summary>A label or folder name that maps to none of the seven emotions.</summary>
public sealed class UnknownLabelException : FerException
{
    public UnknownLabelException(string label)
        : base($"'{label}' is not an emotion label. Use 1..7 (RAF-DB), surprise, fear, disgust, happy, sad, angry, neutral " +
               "(or their variants surprised, fearful, disgusted, happiness, sadness, anger) or the codes SU FE DI HA SA AN NE.")
    {
        Label = label;
    }

    public UnknownLabelException()
    {
        Label = string.Empty;
    }

    public UnknownLabelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Label = string.Empty;
    }

    public string Label { get; }
}
