// Lets records compile for netstandard2.0, where the runtime type does not exist.
namespace System.Runtime.CompilerServices;

internal static class IsExternalInit;
