package org.ezd.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.operaton.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.operaton.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.operaton.bpm.engine.impl.variable.serializer.AbstractSerializableValueSerializer;
import org.operaton.bpm.engine.impl.variable.serializer.TypedValueSerializer;
import org.operaton.bpm.engine.impl.variable.serializer.ValueFields;
import org.operaton.bpm.engine.variable.impl.type.AbstractValueTypeImpl;
import org.operaton.bpm.engine.variable.impl.value.AbstractTypedValue;
import org.operaton.bpm.engine.variable.impl.value.UntypedValueImpl;
import org.operaton.bpm.engine.variable.type.SerializableValueType;
import org.operaton.bpm.engine.variable.value.SerializableValue;
import org.operaton.bpm.engine.variable.value.TypedValue;
import org.springframework.stereotype.Component;

/**
 * The {@code Json} variable type (REST: {@code {"type": "Json", "value": "<json text>"}}).
 *
 * <p>Normally provided by Operaton Spin (operaton-spin-dataformat-json-jackson), whose 1.0.3
 * release is not served by Maven Central. This plugin gives the same REST contract: values are
 * stored as JSON text, returned as JSON text (deserializeValues=false) and, inside the engine,
 * deserialized to plain {@code Map}/{@code List}, so expressions like {@code ${doc.kind}} work.
 * If the Spin data format becomes available, replace this class by the Spin plugin: the stored
 * type name ("json") and REST contract stay the same.
 */
@Component
public class JsonVariablesPlugin extends AbstractProcessEnginePlugin {

  static final String DATA_FORMAT = "application/json";
  static final JsonType JSON = new JsonType();
  static final ObjectMapper MAPPER = new ObjectMapper();

  @Override
  public void preInit(ProcessEngineConfigurationImpl cfg) {
    List<TypedValueSerializer> serializers = cfg.getCustomPreVariableSerializers();
    List<TypedValueSerializer> updated =
        serializers == null ? new ArrayList<>() : new ArrayList<>(serializers);
    updated.add(new JsonSerializer());
    cfg.setCustomPreVariableSerializers(updated);
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl cfg) {
    cfg.getValueTypeResolver().addType(JSON);
  }

  /** The value type; its name "json" is "Json" in the REST API. */
  static final class JsonType extends AbstractValueTypeImpl implements SerializableValueType {

    JsonType() {
      super("json");
    }

    @Override
    public boolean isPrimitiveValueType() {
      return false;
    }

    @Override
    public TypedValue createValue(Object value, Map<String, Object> valueInfo) {
      JsonValue v = new JsonValue(value, null, true);
      Boolean isTransient = isTransient(valueInfo);
      if (isTransient != null) {
        v.setTransient(isTransient);
      }
      return v;
    }

    @Override
    public SerializableValue createValueFromSerialized(
        String serializedValue, Map<String, Object> valueInfo) {
      JsonValue v = new JsonValue(null, serializedValue, false);
      Boolean isTransient = isTransient(valueInfo);
      if (isTransient != null) {
        v.setTransient(isTransient);
      }
      return v;
    }

    @Override
    public Map<String, Object> getValueInfo(TypedValue typedValue) {
      Map<String, Object> info = new HashMap<>();
      info.put(VALUE_INFO_SERIALIZATION_DATA_FORMAT, DATA_FORMAT);
      if (typedValue.isTransient()) {
        info.put(VALUE_INFO_TRANSIENT, true);
      }
      return info;
    }
  }

  /** A JSON value: the parsed Map/List/scalar and/or its JSON text. */
  static final class JsonValue extends AbstractTypedValue<Object> implements SerializableValue {

    private String serialized;
    private final boolean deserialized;

    JsonValue(Object value, String serialized, boolean deserialized) {
      super(value, JSON);
      this.serialized = serialized;
      this.deserialized = deserialized;
    }

    @Override
    public boolean isDeserialized() {
      return deserialized;
    }

    @Override
    public Object getValue() {
      if (!deserialized) {
        throw new IllegalStateException("Json value is not deserialized");
      }
      return value;
    }

    @Override
    public String getValueSerialized() {
      return serialized;
    }

    void setValueSerialized(String serialized) {
      this.serialized = serialized;
    }

    @Override
    public String getSerializationDataFormat() {
      return DATA_FORMAT;
    }

    @Override
    public SerializableValueType getType() {
      return JSON;
    }
  }

  /** Stores Json values as UTF-8 JSON text in the variable's byte array. */
  static final class JsonSerializer extends AbstractSerializableValueSerializer<JsonValue> {

    JsonSerializer() {
      super(JSON, DATA_FORMAT);
    }

    @Override
    public String getName() {
      return "ezd-json";
    }

    @Override
    public JsonValue convertToTypedValue(UntypedValueImpl untypedValue) {
      return new JsonValue(untypedValue.getValue(), null, true);
    }

    @Override
    protected boolean canWriteValue(TypedValue typedValue) {
      // Only values explicitly typed as Json; untyped Java maps/lists keep the engine default.
      return typedValue instanceof JsonValue && super.canWriteValue(typedValue);
    }

    @Override
    protected JsonValue createDeserializedValue(
        Object deserializedObject,
        String serializedStringValue,
        ValueFields valueFields,
        boolean asTransientValue) {
      JsonValue v = new JsonValue(deserializedObject, serializedStringValue, true);
      v.setTransient(asTransientValue);
      return v;
    }

    @Override
    protected JsonValue createSerializedValue(
        String serializedStringValue, ValueFields valueFields, boolean asTransientValue) {
      JsonValue v = new JsonValue(null, serializedStringValue, false);
      v.setTransient(asTransientValue);
      return v;
    }

    @Override
    protected void writeToValueFields(JsonValue value, ValueFields valueFields, byte[] serialized) {
      valueFields.setByteArrayValue(serialized);
    }

    @Override
    protected void updateTypedValue(JsonValue value, String serializedStringValue) {
      value.setValueSerialized(serializedStringValue);
    }

    @Override
    protected boolean canSerializeValue(Object value) {
      return true; // any value Jackson can write: Map, List, String, Number, Boolean, null
    }

    @Override
    protected byte[] serializeToByteArray(Object deserializedObject) throws Exception {
      return MAPPER.writeValueAsBytes(deserializedObject);
    }

    @Override
    protected Object deserializeFromByteArray(byte[] bytes, ValueFields valueFields)
        throws Exception {
      return MAPPER.readValue(bytes, Object.class);
    }

    @Override
    protected byte[] getSerializedBytesValue(String serializedStringValue) {
      if (serializedStringValue == null) {
        return null;
      }
      byte[] bytes = serializedStringValue.getBytes(StandardCharsets.UTF_8);
      try {
        MAPPER.readTree(bytes); // reject malformed JSON at write time, not at read time
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("Json variable value is not valid JSON", e);
      }
      return bytes;
    }

    @Override
    protected String getSerializedStringValue(byte[] bytes) {
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    protected boolean isSerializationTextBased() {
      return true;
    }
  }
}
