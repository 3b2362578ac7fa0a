package multiprocessing4j.internal.codec;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * Finds <em>where</em> in an object graph the non-serializable object sits, to name it in
 * {@link NotSerializableValueException}. Runs only after an encoder has already failed, so it may be
 * slow: it walks the graph reflectively the way Java serialization would (non-static, non-transient
 * fields of serializable classes, elements of collections and arrays, {@code writeReplace} results,
 * the captured arguments of serializable lambdas).
 */
final class SerializabilityProbe {

    private static final int MAX_DEPTH = 256;

    private SerializabilityProbe() {
    }

    /** What was found: the offending class and a sentence saying where it is. */
    record Finding(Class<?> offending, String message) {
    }

    /** Whether Java serialization accepts instances of {@code type} (ignoring what they contain). */
    static boolean isSerializableType(Class<?> type) {
        if (type.isArray()) {
            Class<?> component = type;
            while (component.isArray()) {
                component = component.getComponentType();
            }
            return component.isPrimitive() || isSerializableType(component);
        }
        return type.isPrimitive() || Serializable.class.isAssignableFrom(type) || type.isEnum();
    }

    /**
     * Explains why {@code root} cannot be serialized, or returns {@code null} if the walk finds nothing
     * (the failure lies in a custom {@code writeObject}, say).
     */
    static Finding explain(Object root) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return walk(root, null, seen, 0);
    }

    /** {@code path} is how we got here, e.g. {@code "Order.customer"}; {@code null} at the root. */
    private static Finding walk(Object value, String path, Set<Object> seen, int depth) {
        if (value == null || depth > MAX_DEPTH || !seen.add(value)) {
            return null;
        }
        Class<?> type = value.getClass();
        if (isLambda(type)) {
            return walkLambda(value, type, path, seen, depth);
        }
        if (!isSerializableType(type)) {
            String name = type.getName();
            String message = path == null
                    ? name + " is not serializable (it does not implement java.io.Serializable)"
                    : path + " (" + name + "), which is not serializable (it does not implement java.io.Serializable)";
            return new Finding(type, message);
        }
        if (type.isArray()) {
            if (type.getComponentType().isPrimitive()) {
                return null;
            }
            Object[] array = (Object[]) value;
            for (int i = 0; i < array.length; i++) {
                Finding f = walk(array[i], describe(path, type) + "[" + i + "]", seen, depth + 1);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        if (value instanceof Collection<?> c && isJdk(type)) {
            int i = 0;
            for (Object element : c) {
                Finding f = walk(element, describe(path, type) + "[" + i++ + "]", seen, depth + 1);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        if (value instanceof Map<?, ?> m && isJdk(type)) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Finding f = walk(e.getKey(), describe(path, type) + ".keySet()", seen, depth + 1);
                if (f == null) {
                    f = walk(e.getValue(), describe(path, type) + ".get(" + abbreviate(e.getKey()) + ")", seen, depth + 1);
                }
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
        Object replacement = writeReplace(value, type);
        if (replacement != null && replacement != value) {
            seen.remove(value);
            return walk(replacement, path, seen, depth + 1);
        }
        for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int mods = field.getModifiers();
                if (Modifier.isStatic(mods) || Modifier.isTransient(mods) || field.getType().isPrimitive()) {
                    continue;
                }
                Object fieldValue;
                try {
                    field.setAccessible(true);
                    fieldValue = field.get(value);
                } catch (RuntimeException | IllegalAccessException inaccessible) {
                    continue; // a JDK class in a module not open to us: trust its own serialization
                }
                String step = (path == null ? "" : path + " -> ") + c.getSimpleName() + "." + field.getName();
                Finding f = walk(fieldValue, step, seen, depth + 1);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private static Finding walkLambda(Object lambda, Class<?> type, String path, Set<Object> seen, int depth) {
        String where = path == null ? "" : path + ": ";
        if (!(lambda instanceof Serializable)) {
            String iface = type.getInterfaces().length > 0 ? type.getInterfaces()[0].getName() : "its functional interface";
            return new Finding(type, where + "a lambda or method reference of type " + iface
                    + " is not serializable: declare the parameter or variable as a serializable type "
                    + "(e.g. multiprocessing4j.SerializableRunnable, SerializableCallable, SerializableFunction)");
        }
        Object replaced = writeReplace(lambda, type);
        if (!(replaced instanceof SerializedLambda sl)) {
            return null;
        }
        String capturing = sl.getCapturingClass().replace('/', '.');
        String method = sl.getImplMethodName();
        String origin = method.startsWith("lambda$")
                ? "lambda in " + capturing + "." + method.split("\\$")[1] + "()"
                : "method reference " + sl.getImplClass().replace('/', '.') + "::" + method + " created in " + capturing;
        boolean capturesThis = sl.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic
                && sl.getImplMethodKind() != MethodHandleInfo.REF_newInvokeSpecial;
        for (int i = 0; i < sl.getCapturedArgCount(); i++) {
            Object arg = sl.getCapturedArg(i);
            if (arg == null) {
                continue;
            }
            String argName = "arg " + (i + 1) + (i == 0 && capturesThis ? " (the enclosing 'this')" : "");
            Class<?> argType = arg.getClass();
            if (!isLambda(argType) && !isSerializableType(argType)) {
                return new Finding(argType, where + origin + " captures " + argName + " of type " + argType.getName()
                        + ", which is not serializable");
            }
            Finding inner = walk(arg, where + origin + " captures " + argName + " (" + argType.getSimpleName() + ")",
                    seen, depth + 1);
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static boolean isLambda(Class<?> type) {
        return type.isSynthetic() && type.getName().contains("$$Lambda");
    }

    private static boolean isJdk(Class<?> type) {
        return type.getName().startsWith("java.");
    }

    private static String describe(String path, Class<?> type) {
        return path == null ? type.getSimpleName() : path;
    }

    private static String abbreviate(Object key) {
        String s;
        try {
            s = String.valueOf(key);
        } catch (RuntimeException e) {
            s = key.getClass().getName();
        }
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static Object writeReplace(Object value, Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod("writeReplace");
                if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())) {
                    m.setAccessible(true);
                    return m.invoke(value);
                }
            } catch (NoSuchMethodException notHere) {
                // look in the superclass, as serialization does for inheritable writeReplace
            } catch (ReflectiveOperationException | RuntimeException unavailable) {
                return null;
            }
        }
        return null;
    }
}
